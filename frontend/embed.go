// Package frontend embeds the built single-page app (npm run build writes dist/)
// so that the serialpool binary serves it without any files beside it.
package frontend

import "embed"

// Dist holds the built SPA. dist/.gitkeep keeps the directory present on a fresh
// clone, so the Go code compiles before the first npm build.
//
//go:embed all:dist
var Dist embed.FS
