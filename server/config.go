package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// config comes from the environment, with defaults for a developer's machine;
// flags override the listen address.
type config struct {
	DatabaseURL    string        // DATABASE_URL
	Addr           string        // SERIALPOOL_ADDR, --addr (default :8080)
	DataDir        string        // SERIALPOOL_DATA_DIR: the private database of `dev` (default .data)
	CORSOrigins    []string      // SERIALPOOL_CORS_ORIGINS: comma-separated; empty allows same origin only
	Introspection  bool          // SERIALPOOL_INTROSPECTION (default true)
	MaxBodyBytes   int64         // SERIALPOOL_MAX_BODY_BYTES for API requests (default 16 MiB)
	RequestTimeout time.Duration // SERIALPOOL_REQUEST_TIMEOUT (default 30s)
}

func loadConfig() (config, error) {
	c := config{
		DatabaseURL:    os.Getenv("DATABASE_URL"),
		Addr:           env("SERIALPOOL_ADDR", ":8080"),
		DataDir:        env("SERIALPOOL_DATA_DIR", ".data"),
		Introspection:  true,
		MaxBodyBytes:   16 << 20,
		RequestTimeout: 30 * time.Second,
	}
	for _, o := range strings.Split(os.Getenv("SERIALPOOL_CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	var err error
	if v := os.Getenv("SERIALPOOL_INTROSPECTION"); v != "" {
		if c.Introspection, err = strconv.ParseBool(v); err != nil {
			return c, fmt.Errorf("SERIALPOOL_INTROSPECTION: %w", err)
		}
	}
	if v := os.Getenv("SERIALPOOL_MAX_BODY_BYTES"); v != "" {
		if c.MaxBodyBytes, err = strconv.ParseInt(v, 10, 64); err != nil || c.MaxBodyBytes <= 0 {
			return c, fmt.Errorf("SERIALPOOL_MAX_BODY_BYTES: want a positive number of bytes, got %q", v)
		}
	}
	if v := os.Getenv("SERIALPOOL_REQUEST_TIMEOUT"); v != "" {
		if c.RequestTimeout, err = time.ParseDuration(v); err != nil || c.RequestTimeout <= 0 {
			return c, fmt.Errorf("SERIALPOOL_REQUEST_TIMEOUT: want a duration such as 30s, got %q", v)
		}
	}
	return c, nil
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
