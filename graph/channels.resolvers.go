package graph

import (
	"context"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *apiKeyResolver) ID(ctx context.Context, obj *pool.APIKey) (string, error) {
	return APIKeyID(obj.ID), nil
}

func (r *apiKeyResolver) Role(ctx context.Context, obj *pool.APIKey) (model.Role, error) {
	return roleOf(obj.Role), nil
}

func (r *apiKeyResolver) Owner(ctx context.Context, obj *pool.APIKey) (*string, error) {
	if obj.Owner == "" {
		return nil, nil
	}
	return &obj.Owner, nil
}

func (r *apiKeyResolver) ServiceAccount(ctx context.Context, obj *pool.APIKey) (bool, error) {
	return obj.Service, nil
}

func (r *channelResolver) ID(ctx context.Context, obj *pool.Channel) (string, error) {
	return channelID(obj.ID), nil
}

func (r *mutationResolver) CreateChannel(ctx context.Context, input model.CreateChannelInput) (*model.CreateChannelPayload, error) {
	c, key, err := r.svc.CreateChannel(ctx, pool.NewChannel{Name: input.Name, Source: input.Source, Upstream: input.Upstream()})
	if err != nil {
		return nil, err
	}
	return &model.CreateChannelPayload{Channel: c, Key: key}, nil
}

func (r *mutationResolver) RotateChannelKey(ctx context.Context, id string) (*model.RotateChannelKeyPayload, error) {
	n, err := parseID("Channel", id)
	if err != nil {
		return nil, err
	}
	c, key, err := r.svc.RotateChannelKey(ctx, n)
	if err != nil {
		return nil, err
	}
	return &model.RotateChannelKeyPayload{Channel: c, Key: key}, nil
}

func (r *mutationResolver) RevokeChannel(ctx context.Context, id string) (*pool.Channel, error) {
	n, err := parseID("Channel", id)
	if err != nil {
		return nil, err
	}
	return r.svc.RevokeChannel(ctx, n)
}

func (r *mutationResolver) UpdateChannelUpstream(ctx context.Context, input model.UpdateChannelUpstreamInput) (*pool.Channel, error) {
	n, err := parseID("Channel", input.ID)
	if err != nil {
		return nil, err
	}
	return r.svc.UpdateChannelUpstream(ctx, n, input.Upstream())
}

func (r *mutationResolver) RevokeAPIKey(ctx context.Context, id string, signature *pool.SignatureInput) (*pool.APIKey, error) {
	ctx = signed(ctx, signature)
	n, err := parseID("ApiKey", id)
	if err != nil {
		return nil, err
	}
	return r.svc.RevokeAPIKey(ctx, n)
}

func (r *queryResolver) Channels(ctx context.Context) ([]*pool.Channel, error) {
	return r.svc.Channels(ctx)
}

func (r *queryResolver) APIKeys(ctx context.Context) ([]*pool.APIKey, error) {
	return r.svc.APIKeys(ctx)
}

func (r *Resolver) ApiKey() ApiKeyResolver { return &apiKeyResolver{r} }

func (r *Resolver) Channel() ChannelResolver { return &channelResolver{r} }

type (
	apiKeyResolver  struct{ *Resolver }
	channelResolver struct{ *Resolver }
)
