// Reference ids and next-token predictions from llama.cpp itself, for graft's pinned tests
// (LMTokenizerTests: token ids; the model top-1 test). Run by hand, never by tests. Build
// against a llama.cpp checkout (static libs in build/), e.g.
//   g++ -O2 -std=c++17 llamacpp_reference.cpp -I$LLAMA/include -I$LLAMA/ggml/include \
//     $LLAMA/build/src/libllama.a $LLAMA/build/ggml/src/libggml.a $LLAMA/build/ggml/src/libggml-cpu.a \
//     $LLAMA/build/ggml/src/libggml-base.a -fopenmp -lpthread -o llamacpp_reference
//   ./llamacpp_reference MODEL.gguf tokenize|tokenize_plain|top1 < lines.jsonl
// Input: one JSON string literal per line (only \n \t \" \\ \uXXXX escapes are decoded).
// tokenize: prints the ids (no BOS, parse_special) of each line as a JSON array;
// tokenize_plain: the same without parse_special.
// top1: also runs the model (F32 output, one sequence per line) and prints
//   {"ids":[...],"top1":[argmax at each position],"top5_last":[...]}.
#include "llama.h"
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

static void put_utf8(std::string & out, unsigned cp) {
    if (cp < 0x80) out += char(cp);
    else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
    else { out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
}

static std::string unjson(const std::string & s) {
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); i++) {
        if (s[i] != '\\') { out += s[i]; continue; }
        char c = s[++i];
        if (c == 'n') out += '\n'; else if (c == 't') out += '\t'; else if (c == 'r') out += '\r';
        else if (c == 'u') {
            unsigned cp = std::stoul(s.substr(i + 1, 4), nullptr, 16); i += 4;
            if (cp >= 0xD800 && cp < 0xDC00) {   // surrogate pair
                unsigned lo = std::stoul(s.substr(i + 3, 4), nullptr, 16); i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                out += char(0xF0 | (cp >> 18)); out += char(0x80 | ((cp >> 12) & 0x3F));
                out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F));
            } else put_utf8(out, cp);
        } else out += c;
    }
    return out;
}

int main(int argc, char ** argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s MODEL tokenize|tokenize_plain|top1\n", argv[0]); return 2; }
    bool run = std::string(argv[2]) == "top1";
    bool special = std::string(argv[2]) != "tokenize_plain";
    llama_log_set([](ggml_log_level, const char *, void *) {}, nullptr);
    llama_backend_init();
    llama_model * model = llama_model_load_from_file(argv[1], llama_model_default_params());
    const llama_vocab * vocab = llama_model_get_vocab(model);
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = 2048; cp.n_batch = 2048; cp.n_ubatch = 2048; cp.n_threads = 2; cp.n_threads_batch = 2;
    llama_context * ctx = run ? llama_init_from_model(model, cp) : nullptr;
    int nv = llama_vocab_n_tokens(vocab);
    std::string line;
    while (std::getline(std::cin, line)) {
        std::string text = unjson(line);
        std::vector<llama_token> ids(text.size() + 8);
        int n = llama_tokenize(vocab, text.data(), text.size(), ids.data(), ids.size(), false, special);
        ids.resize(n);
        std::string js = "[";
        for (int i = 0; i < n; i++) js += (i ? "," : "") + std::to_string(ids[i]);
        js += "]";
        if (!run) { printf("%s\n", js.c_str()); continue; }
        llama_kv_cache_clear(ctx);
        llama_batch b = llama_batch_init(n, 0, 1);
        for (int i = 0; i < n; i++) {
            b.token[i] = ids[i]; b.pos[i] = i; b.n_seq_id[i] = 1; b.seq_id[i][0] = 0; b.logits[i] = 1;
        }
        b.n_tokens = n;
        if (llama_decode(ctx, b) != 0) { fprintf(stderr, "decode failed\n"); return 1; }
        std::string top = "[", last = "[";
        for (int i = 0; i < n; i++) {
            const float * l = llama_get_logits_ith(ctx, i);
            int best = int(std::max_element(l, l + nv) - l);
            top += (i ? "," : "") + std::to_string(best);
            if (i == n - 1) {
                std::vector<int> order(nv);
                for (int k = 0; k < nv; k++) order[k] = k;
                std::partial_sort(order.begin(), order.begin() + 5, order.end(), [&](int a, int c) { return l[a] > l[c]; });
                for (int k = 0; k < 5; k++) last += (k ? "," : "") + std::to_string(order[k]);
            }
        }
        printf("{\"ids\":%s,\"top1\":%s,\"top5_last\":%s]}\n", js.c_str(), (top + "]").c_str(), last.c_str());
        llama_batch_free(b);
    }
    return 0;
}
