package dev.lofilora.tensor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a safetensors file. Every check runs on the header bytes alone, before any tensor memory is
 * touched, so a malformed or hostile file gives a {@link SafetensorsException} and never a crash or a huge
 * allocation (the only allocation is the header itself, capped at {@link #MAX_HEADER_BYTES} and at the file size).
 * The rules are those of the reference Rust implementation ({@code safetensors/src/tensor.rs}).
 */
final class SafetensorsHeader {
    /** Same cap as the reference implementation's {@code MAX_HEADER_SIZE}. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String FIX_REWRITE = "the file is damaged or not a safetensors file; re-download or re-export it";

    /** Strict: duplicate keys and trailing content are errors, as in the reference parser. */
    private static final ObjectMapper STRICT = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    final long headerLength;
    /** Entries sorted by data offset (the order of the data in the file). */
    final Map<String, TensorInfo> tensors;
    final Map<String, String> metadata;
    final long fileLength;

    private SafetensorsHeader(long headerLength, Map<String, TensorInfo> tensors, Map<String, String> metadata,
                              long fileLength) {
        this.headerLength = headerLength;
        this.tensors = tensors;
        this.metadata = metadata;
        this.fileLength = fileLength;
    }

    /** Absolute file offset of the data buffer. */
    long dataStart() {
        return 8 + headerLength;
    }

    static SafetensorsHeader read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileLength = ch.size();
            if (fileLength < 8) {
                throw new SafetensorsException(file, "is " + fileLength
                        + " bytes long, shorter than the 8-byte header length of a safetensors file", FIX_REWRITE);
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.getLong(0);
            // n is an unsigned u64: a negative long is > 2^63, so over every limit.
            if (n < 0 || n > MAX_HEADER_BYTES) {
                throw new SafetensorsException(file, "declares a header of " + Long.toUnsignedString(n)
                        + " bytes, over the limit of " + MAX_HEADER_BYTES + " bytes", FIX_REWRITE);
            }
            if (n > fileLength - 8) {
                throw new SafetensorsException(file, "declares a header of " + n + " bytes but only "
                        + (fileLength - 8) + " bytes follow the length field (header length past the end of the file;"
                        + " the file is truncated or not safetensors)", FIX_REWRITE);
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
            readFully(ch, headerBuf, 8);
            return parse(file, n, headerBuf.array(), fileLength);
        } catch (IOException e) {
            throw new SafetensorsException(file, "cannot be read: " + e.getMessage(),
                    "check that the file exists and is readable", e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) throw new IOException("unexpected end of file at byte " + pos);
            pos += r;
        }
    }

    static SafetensorsHeader parse(Path file, long n, byte[] headerBytes, long fileLength) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file, "has a header that is not valid UTF-8", FIX_REWRITE);
        }
        String trimmed = stripJsonWhitespace(text);
        if (trimmed.isEmpty() || trimmed.charAt(0) != '{') {
            String start = trimmed.isEmpty() ? "nothing but whitespace" : "'" + trimmed.charAt(0) + "'";
            throw new SafetensorsException(file, "has a header that is not a JSON object (it starts with " + start
                    + ", expected '{')", FIX_REWRITE);
        }
        JsonNode root;
        try {
            root = STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(file, "has a header that is not valid JSON: " + e.getOriginalMessage(),
                    FIX_REWRITE);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(file, "has a header that is not a JSON object", FIX_REWRITE);
        }

        Map<String, String> metadata = Collections.emptyMap();
        List<TensorInfo> infos = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (e.getKey().equals("__metadata__")) {
                metadata = parseMetadata(file, e.getValue());
            } else {
                infos.add(parseEntry(file, e.getKey(), e.getValue()));
            }
        }
        checkTiling(file, n, infos, fileLength);
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo t : infos) byName.put(t.name(), t);
        return new SafetensorsHeader(n, Collections.unmodifiableMap(byName), metadata, fileLength);
    }

    private static String stripJsonWhitespace(String s) {
        int i = 0;
        while (i < s.length() && isJsonWhitespace(s.charAt(i))) i++;
        return s.substring(i);
    }

    private static boolean isJsonWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new SafetensorsException(file, "has a __metadata__ entry that is not a JSON object (it is "
                    + node.getNodeType().toString().toLowerCase() + ")", "__metadata__ must map strings to strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new SafetensorsException(file, "has a __metadata__ value for \"" + e.getKey()
                        + "\" that is not a string (it is " + e.getValue().getNodeType().toString().toLowerCase() + ")",
                        "__metadata__ must map strings to strings; re-export the file");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode node) {
        String where = "tensor \"" + name + "\"";
        if (!node.isObject()) {
            throw new SafetensorsException(file, where + " is not a JSON object with dtype, shape and data_offsets",
                    FIX_REWRITE);
        }
        Iterator<String> keys = node.fieldNames();
        while (keys.hasNext()) {
            String k = keys.next();
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw new SafetensorsException(file, where + " has an unknown field \"" + k + "\"", FIX_REWRITE);
            }
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsException(file, where + " has no \"dtype\" string", FIX_REWRITE);
        }
        String dtypeName = dtypeNode.textValue();
        DType dtype = DType.fromSafetensorsName(dtypeName).orElseThrow(() -> DType.UNSUPPORTED_NAMES.contains(dtypeName)
                ? new SafetensorsException(file, where + " has unsupported dtype " + dtypeName
                + " (supported: " + Arrays.toString(DType.values()) + ")",
                "convert the tensor to a supported dtype (e.g. F32 or BF16) when exporting")
                : new SafetensorsException(file, where + " has unknown dtype \"" + dtypeName + "\" (supported: "
                + Arrays.toString(DType.values()) + ")", FIX_REWRITE));

        long[] shape = longArray(file, where, "shape", node.get("shape"), -1);
        long numel = 1;
        for (long d : shape) {
            try {
                numel = Math.multiplyExact(numel, d);
            } catch (ArithmeticException overflow) {
                throw new SafetensorsException(file, where + " has an absurd shape " + Arrays.toString(shape)
                        + ": its element count overflows a 64-bit integer", FIX_REWRITE);
            }
        }
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(numel, dtype.byteSize());
        } catch (ArithmeticException overflow) {
            throw new SafetensorsException(file, where + " has an absurd shape " + Arrays.toString(shape)
                    + ": its byte size overflows a 64-bit integer", FIX_REWRITE);
        }
        long[] offsets = longArray(file, where, "data_offsets", node.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new SafetensorsException(file, where + " has data_offsets [" + begin + ", " + end
                    + "] that end before they begin", FIX_REWRITE);
        }
        if (end - begin != expectedBytes) {
            throw new SafetensorsException(file, where + " has shape " + Arrays.toString(shape) + " and dtype "
                    + dtype.safetensorsName() + ", which need " + expectedBytes + " bytes, but its data_offsets ["
                    + begin + ", " + end + "] span " + (end - begin) + " bytes (shape/byte-count mismatch)",
                    FIX_REWRITE);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers that fit a long; {@code length < 0} means any length. */
    private static long[] longArray(Path file, String where, String field, JsonNode node, int length) {
        if (node == null || !node.isArray()) {
            throw new SafetensorsException(file, where + " has no \"" + field + "\" array", FIX_REWRITE);
        }
        if (length >= 0 && node.size() != length) {
            throw new SafetensorsException(file, where + " has \"" + field + "\" with " + node.size()
                    + " values, expected " + length, FIX_REWRITE);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new SafetensorsException(file, where + " has \"" + field + "\" value " + v
                        + " that is not an integer in the 64-bit range", FIX_REWRITE);
            }
            out[i] = v.longValue();
            if (out[i] < 0) {
                throw new SafetensorsException(file, where + " has a negative " + ("shape".equals(field) ? "dimension"
                        : "offset") + " " + out[i] + " in \"" + field + "\"", FIX_REWRITE);
            }
        }
        return out;
    }

    /** The entries, sorted by offset, must tile [0, buffer end) with no gap or overlap and end at the file's end. */
    private static void checkTiling(Path file, long n, List<TensorInfo> infos, long fileLength) {
        infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end)
                .thenComparing(TensorInfo::name));
        long expectedBegin = 0;
        TensorInfo previous = null;
        for (TensorInfo t : infos) {
            if (t.begin() < expectedBegin) {
                throw new SafetensorsException(file, "tensor \"" + t.name() + "\" at bytes [" + t.begin() + ", "
                        + t.end() + ") overlaps tensor \"" + previous.name() + "\" at [" + previous.begin() + ", "
                        + previous.end() + ") (overlapping data_offsets)", FIX_REWRITE);
            }
            if (t.begin() > expectedBegin) {
                throw new SafetensorsException(file, "tensor \"" + t.name() + "\" starts at byte " + t.begin()
                        + " but the previous tensor" + (previous == null ? "s end" : " \"" + previous.name() + "\" ends")
                        + " at " + expectedBegin + " (a gap of " + (t.begin() - expectedBegin)
                        + " bytes in the data_offsets)", FIX_REWRITE);
            }
            expectedBegin = t.end();
            previous = t;
        }
        long available = fileLength - 8 - n;
        if (expectedBegin > available) {
            throw new SafetensorsException(file, "is truncated: its header describes " + expectedBegin
                    + " bytes of tensor data but only " + available + " bytes follow the header"
                    + (previous == null ? "" : " (tensor \"" + previous.name() + "\" ends past the end of the file)"),
                    "the file was cut off (an interrupted download or copy?); download or copy it again");
        }
        if (expectedBegin < available) {
            throw new SafetensorsException(file, "has " + (available - expectedBegin)
                    + " bytes after the last tensor's data (the header describes " + expectedBegin + " bytes of data, "
                    + available + " follow the header)", FIX_REWRITE);
        }
    }
}
