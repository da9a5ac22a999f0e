package pool

import (
	"context"
	"time"
)

// StatsDimension is what PoolStats groups by.
type StatsDimension string

const (
	ByProduct    StatsDimension = "PRODUCT"
	BySource     StatsDimension = "SOURCE"
	ByStatus     StatsDimension = "STATUS"
	ByCodeSchema StatsDimension = "CODE_SCHEMA"
	ByPartner    StatsDimension = "PARTNER"
)

// StatsFilter narrows PoolStats.
type StatsFilter struct {
	ProductCode string
	Source      *Source
	Status      *Status
	CodeSchema  *CodeSchema
}

// StatsRow is one group; the dimensions not grouped by are nil.
type StatsRow struct {
	ProductID  *int64
	Source     *Source
	Status     *Status
	CodeSchema *CodeSchema
	PartnerID  *int64
	Count      int64
}

// ActivityInterval is the bucket size of PoolActivity.
type ActivityInterval string

const (
	Day  ActivityInterval = "DAY"
	Week ActivityInterval = "WEEK"
)

// ActivityDimension is what PoolActivity groups by besides time.
type ActivityDimension string

const (
	ByKind            ActivityDimension = "KIND"
	ByActivityProduct ActivityDimension = "PRODUCT"
)

// ActivityKind is what happened to serials.
type ActivityKind string

// MaxActivityBuckets bounds one PoolActivity answer.
const MaxActivityBuckets = 1000

// ActivityRow is the activity of one bucket; dimensions not grouped by are nil.
type ActivityRow struct {
	Bucket    time.Time
	Kind      *ActivityKind
	ProductID *int64
	Count     int64
}

// StatsService answers aggregate questions for BI tools, scoped to the caller.
type StatsService interface {
	// PoolStats groups the caller's pool counts, from the counters alone.
	PoolStats(ctx context.Context, groupBy []StatsDimension, f StatsFilter) ([]*StatsRow, error)
	// PoolActivity buckets the caller's intake and assignment over time, from the audit trail.
	// Returns EINVALID for a range that is empty or spans more than MaxActivityBuckets.
	PoolActivity(ctx context.Context, from, to time.Time, interval ActivityInterval, groupBy []ActivityDimension) ([]*ActivityRow, error)
}
