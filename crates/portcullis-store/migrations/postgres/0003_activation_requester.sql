-- Who asked for an activation, so that a second person decides it.
ALTER TABLE activations ADD COLUMN requested_by TEXT;
