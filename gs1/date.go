package gs1

import (
	"strconv"
	"time"
)

// ParseDate reads a GS1 date field (YYMMDD, as in AI 17 expiry): day 00 means
// the last day of the month, and the century is the one that puts the year
// within 49 years before and 50 after now's (GS1 General Specifications
// 7.12). The date is returned at midnight UTC.
func ParseDate(s string, now time.Time) (time.Time, error) {
	if err := numeric("date", s, 6); err != nil {
		return time.Time{}, err
	}
	yy, _ := strconv.Atoi(s[:2])
	mm, _ := strconv.Atoi(s[2:4])
	dd, _ := strconv.Atoi(s[4:])
	this := now.UTC().Year()
	year := this/100*100 + yy
	switch d := yy - this%100; {
	case d >= 51:
		year -= 100
	case d <= -50:
		year += 100
	}
	if mm < 1 || mm > 12 {
		return time.Time{}, fail(RuleDate, "month %02d does not exist", mm)
	}
	last := time.Date(year, time.Month(mm)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if dd == 0 {
		dd = last
	}
	if dd > last {
		return time.Time{}, fail(RuleDate, "%04d-%02d has no day %02d", year, mm, dd)
	}
	return time.Date(year, time.Month(mm), dd, 0, 0, 0, 0, time.UTC), nil
}
