CREATE TABLE IF NOT EXISTS note (
	id bigserial PRIMARY KEY,
	text text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
