// Package model holds the GraphQL types that are not domain types: connections,
// edges and the generated inputs and payloads.
package model

// ProductConnection is a page of products; TotalCount is resolved only when asked
// for, since it counts every page.
type ProductConnection struct {
	Edges    []*ProductEdge
	PageInfo *PageInfo
	Search   string
}
