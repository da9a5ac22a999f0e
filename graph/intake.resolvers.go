package graph

import (
	"context"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *intakeResultResolver) BatchID(ctx context.Context, obj *pool.IntakeResult) (*string, error) {
	if obj.BatchID == 0 {
		return nil, nil
	}
	id := BatchID(obj.BatchID)
	return &id, nil
}

func (r *intakeResultResolver) Duplicates(ctx context.Context, obj *pool.IntakeResult) (int, error) {
	return 0, nil // any duplicate rejects the batch
}

func (r *mutationResolver) GenerateSerials(ctx context.Context, input model.GenerateSerialsInput) (*pool.IntakeResult, error) {
	g := pool.Generation{ProductCode: strings.TrimSpace(input.ProductCode), Count: input.Count, Mode: pool.Random}
	if input.Mode != nil {
		g.Mode = *input.Mode
	}
	return r.svc.Generate(ctx, g)
}

func (r *mutationResolver) ReceiveSerials(ctx context.Context, input model.ReceiveSerialsInput) (*pool.IntakeResult, error) {
	if len(input.Serials) > pool.MaxBatch {
		return nil, pool.Invalid("serials", "a batch holds at most %d serials; send larger ones to POST /api/v2/products/{code}/serials", pool.MaxBatch)
	}
	rows := make(pool.SliceRows, len(input.Serials))
	for i, s := range input.Serials {
		rows[i] = pool.SerialInput{Value: s.Value, Extra: s.Extra}
	}
	in := pool.Intake{ProductCode: strings.TrimSpace(input.ProductCode), Source: input.Source, Rows: &rows}
	if input.IdempotencyKey != nil {
		in.IdempotencyKey = *input.IdempotencyKey
	}
	return r.svc.Receive(ctx, in)
}

func (r *queryResolver) IntakeBatch(ctx context.Context, idempotencyKey string) (*model.IntakeBatch, error) {
	running, rows, res, err := r.svc.IntakeProgress(ctx, idempotencyKey)
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b := &model.IntakeBatch{IdempotencyKey: idempotencyKey, State: model.IntakeStateStored, RowsRead: int(rows), Result: res}
	if running {
		b.State = model.IntakeStateRunning
	}
	return b, nil
}

func (r *Resolver) IntakeResult() IntakeResultResolver { return &intakeResultResolver{r} }

type intakeResultResolver struct{ *Resolver }
