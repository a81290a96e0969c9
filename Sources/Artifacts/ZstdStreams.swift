// Streaming zstd in both directions over file descriptors, so a 1 GiB payload never needs a
// 1 GiB buffer: the writer hashes and compresses chunk by chunk (zstd's own worker threads
// compress while this thread hashes); the reader decompresses chunk by chunk and hashes
// what it hands on.
import CZstd
import Foundation

/// Compression settings. Level 3 is zstd's default; identity never depends on these.
public struct CompressionSettings: Sendable, Equatable {
    public var level: Int32 = 3
    /// zstd worker threads (0: compress on the calling thread).
    public var workers: Int32 = 2
    public init(level: Int32 = 3, workers: Int32 = 2) { self.level = level; self.workers = workers }
}

/// Writes one zstd frame to `fd` while hashing the uncompressed bytes.
final class CompressingHasher {
    let fd: Int32
    let path: String
    let cctx: OpaquePointer
    var hasher = Hasher256()
    let outCapacity = ZSTD_CStreamOutSize()
    let outBuffer: UnsafeMutableRawPointer
    var payloadBytes = 0
    var compressedBytes = 0

    init(fd: Int32, path: String, settings: CompressionSettings) throws(StoreError) {
        self.fd = fd
        self.path = path
        guard let c = ZSTD_createCCtx() else { throw StoreError.io("zstd: cannot create a compression context") }
        cctx = c
        outBuffer = UnsafeMutableRawPointer.allocate(byteCount: outCapacity, alignment: 64)
        try check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, settings.level), "set level")
        if settings.workers > 0 {
            // Fails only when libzstd was built without threads; then compress on this thread.
            _ = ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, settings.workers)
        }
    }

    deinit {
        ZSTD_freeCCtx(cctx)
        outBuffer.deallocate()
    }

    func check(_ code: Int, _ what: String) throws(StoreError) {
        if ZSTD_isError(code) != 0 { throw StoreError.io("zstd \(what) for \(path): \(String(cString: ZSTD_getErrorName(code)))") }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
        guard bytes.count > 0 else { return }
        hasher.update(bytes)
        payloadBytes += bytes.count
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while input.pos < input.size {
            var output = ZSTD_outBuffer(dst: outBuffer, size: outCapacity, pos: 0)
            try check(ZSTD_compressStream2(cctx, &output, &input, ZSTD_e_continue), "compress")
            try drain(output.pos)
        }
    }

    /// Ends the frame and returns the payload digest.
    func finish() throws(StoreError) -> Digest {
        var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while true {
            var output = ZSTD_outBuffer(dst: outBuffer, size: outCapacity, pos: 0)
            let remaining = ZSTD_compressStream2(cctx, &output, &input, ZSTD_e_end)
            try check(remaining, "finish")
            try drain(output.pos)
            if remaining == 0 { break }
        }
        return hasher.finalize()
    }

    func drain(_ count: Int) throws(StoreError) {
        var done = 0
        while done < count {
            let n = Foundation.write(fd, outBuffer + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                let hint = (e == ENOSPC || e == EFBIG || e == EDQUOT) ? " (the disk or file-size limit is full: free space and rerun; nothing was stored)" : ""
                throw StoreError.io("cannot write \(path): \(errnoText(e))\(hint)")
            }
            done += n
        }
        compressedBytes += count
    }
}

/// Reads one zstd frame from `fd`, hands decompressed chunks to `sink`, and returns the digest
/// of everything handed on together with the payload size.
func decompressAndHash(fd: Int32, path: String, sink: (UnsafeRawBufferPointer) throws -> Void) throws -> (Digest, Int) {
    guard let dctx = ZSTD_createDCtx() else { throw StoreError.io("zstd: cannot create a decompression context") }
    defer { ZSTD_freeDCtx(dctx) }
    let inCapacity = ZSTD_DStreamInSize(), outCapacity = ZSTD_DStreamOutSize()
    let inBuffer = UnsafeMutableRawPointer.allocate(byteCount: inCapacity, alignment: 64)
    let outBuffer = UnsafeMutableRawPointer.allocate(byteCount: outCapacity, alignment: 64)
    defer { inBuffer.deallocate(); outBuffer.deallocate() }
    var hasher = Hasher256()
    var total = 0
    var lastResult = 1          // 0 once a frame has been fully decoded and flushed
    var sawInput = false
    while true {
        let n = read(fd, inBuffer, inCapacity)
        if n < 0 { if errno == EINTR { continue }; throw StoreError.io("cannot read \(path): \(errnoText())") }
        if n == 0 { break }
        sawInput = true
        var input = ZSTD_inBuffer(src: inBuffer, size: n, pos: 0)
        while input.pos < input.size || lastResult != 0 {
            if lastResult == 0 && input.pos < input.size {
                throw StoreError.damaged("\(path) has data after the end of its zstd frame")
            }
            var output = ZSTD_outBuffer(dst: outBuffer, size: outCapacity, pos: 0)
            lastResult = ZSTD_decompressStream(dctx, &output, &input)
            if ZSTD_isError(lastResult) != 0 {
                throw StoreError.damaged("\(path) is not a valid zstd frame (\(String(cString: ZSTD_getErrorName(lastResult))))")
            }
            if output.pos > 0 {
                let chunk = UnsafeRawBufferPointer(start: outBuffer, count: output.pos)
                hasher.update(chunk)
                total += output.pos
                try sink(chunk)
            }
            // Need more input: the output buffer was not filled and the input is used up.
            if input.pos == input.size && output.pos < output.size { break }
        }
    }
    if !sawInput || lastResult != 0 { throw StoreError.damaged("\(path) is truncated (its zstd frame does not end)") }
    return (hasher.finalize(), total)
}
