package db_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/db/dbtest"
)

// TestCollectByName: columns go to their fields by name whatever their order,
// the fields of embedded structs included, with the mapping of one column
// list never used for another; a column without a field is an error.
func TestCollectByName(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	type Inner struct{ LotNumber string }
	type row struct {
		ID   int64
		Name *string
		Inner
	}
	for _, q := range []string{
		`SELECT 7 AS id, 'a' AS name, 'L1' AS lot_number`,
		`SELECT 'L1' AS lot_number, 7 AS id, 'a' AS name`,
		`SELECT 'L1' AS lot_number, 7 AS id, 'a' AS name UNION ALL SELECT 'L2', 8, NULL`,
	} {
		rows, err := conn.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.CollectByName[row](rows)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if len(got) == 0 || got[0].ID != 7 || got[0].Name == nil || *got[0].Name != "a" || got[0].LotNumber != "L1" {
			t.Errorf("%s: %+v", q, got)
		}
		if len(got) == 2 && (got[1].ID != 8 || got[1].Name != nil || got[1].LotNumber != "L2") {
			t.Errorf("%s: second row %+v (nothing of the first may stay)", q, got[1])
		}
	}
	rows, err := conn.Query(ctx, `SELECT 7 AS id, 'x' AS colour`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CollectByName[row](rows); err == nil {
		t.Error("a column without a field was scanned")
	}
}
