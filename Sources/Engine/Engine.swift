// Layers as forward/backward pairs (llm.c style), losses, and AdamW.
// (This module is being built; its files arrive with the issue that owns it.)
