-- The input photo or video of an image or Aleph job (a Telegram file_id), so Regenerate can
-- fetch it again after a restart.
ALTER TABLE jobs ADD COLUMN source_id TEXT;
