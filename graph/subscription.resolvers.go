package graph

import (
	"context"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
)

func (r *subscriptionResolver) PoolCounts(ctx context.Context, productCode string) (<-chan *model.PoolUpdate, error) {
	return r.live.watchPool(ctx, strings.TrimSpace(productCode))
}

func (r *Resolver) Subscription() SubscriptionResolver { return &subscriptionResolver{r} }

type subscriptionResolver struct{ *Resolver }
