"""Audio stage: one clip per spoken line, a voice per character (Piper offline, Amazon Polly)."""
