"""The small common base every layer may use: input problems (`errors`) and whole-file writes (`files`)."""
