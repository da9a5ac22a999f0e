-- SSCC pools are pools like a product's, marked by this code schema. A separate
-- migration, because a new enum value cannot be used in the transaction that adds it.

-- +goose Up
ALTER TYPE code_schema ADD VALUE 'SSCC';

-- +goose Down
-- PostgreSQL cannot drop an enum value; SSCC rows are removed by 00004's down.
