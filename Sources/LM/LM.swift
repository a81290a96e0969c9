// GGUF and safetensors loaders, the byte-level BPE tokenizer, and the Llama and GPT-2 model families with residual hooks.
// (This module is being built; its files arrive with the issue that owns it.)
