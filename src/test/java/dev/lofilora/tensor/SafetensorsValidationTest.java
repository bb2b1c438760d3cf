package dev.lofilora.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed and hostile files: each gives a {@link SafetensorsException} whose message names the file and the
 * problem — never a crash, never an allocation sized by the file's claims.
 */
class SafetensorsValidationTest {
    @TempDir
    Path tmp;

    private int counter;

    /** A file of an 8-byte length {@code n}, the header bytes, then {@code dataBytes} bytes of data. */
    private Path raw(long n, byte[] header, int dataBytes) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(n).put(header);
        Path p = tmp.resolve("bad" + (counter++) + ".safetensors");
        Files.write(p, buf.array());
        return p;
    }

    private Path file(String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return raw(h.length, h, dataBytes);
    }

    /** Opens {@code file}, expects a SafetensorsException naming it and containing every phrase. */
    private static SafetensorsException rejects(Path file, String... phrases) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        for (String p : phrases) {
            assertTrue(e.getMessage().contains(p), "\"" + p + "\" in: " + e.getMessage());
        }
        assertTrue(e.fix() != null && !e.fix().isBlank(), "says what to do");
        return e;
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void acceptsAWellFormedHandMadeFileWithWhitespacePadding() throws IOException {
        Path p = file("  \n{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "I16", "[2,1]", 8, 12) + "}   ", 12);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(java.util.List.of("a", "b"), f.names());
            assertArrayEquals(new long[]{2, 1}, f.info("b").shape());
        }
    }

    @Test
    void truncatedFile() throws IOException {
        Path good = tmp.resolve("good.safetensors");
        SafetensorsWriter.write(good, Map.of("w", Tensors.fromFloatArray(new float[64], 8, 8)), null);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 10));
        rejects(cut, "truncated", "256 bytes of tensor data but only 246");
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        Path p = tmp.resolve("tiny.safetensors");
        Files.write(p, new byte[]{1, 2, 3});
        rejects(p, "3 bytes long");
    }

    @Test
    void headerLengthPastTheEnd() throws IOException {
        rejects(raw(1000, "{}".getBytes(StandardCharsets.UTF_8), 0), "header of 1000 bytes", "past the end");
    }

    @Test
    void headerLengthOverTheCap() throws IOException {
        rejects(raw(200_000_000L, "{}".getBytes(StandardCharsets.UTF_8), 0), "200000000", "over the limit");
        // A u64 above 2^63 (negative as a Java long) is also over the cap, not a negative allocation.
        rejects(raw(-8, "{}".getBytes(StandardCharsets.UTF_8), 0), "18446744073709551608", "over the limit");
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        rejects(file("{\"a\": nope}", 0), "not valid JSON");
        rejects(file("hello", 0), "not a JSON object", "'h'");
        rejects(raw(4, new byte[]{'{', (byte) 0xff, (byte) 0xfe, '}'}, 0), "not valid UTF-8");
        rejects(file("{} trailing", 0), "not valid JSON");
    }

    @Test
    void deeplyNestedJsonIsRejectedWithoutAStackOverflow() throws IOException {
        String deep = "{\"a\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
        rejects(file(deep, 0), "not valid JSON");
    }

    @Test
    void jsonArrayInsteadOfObject() throws IOException {
        rejects(file("[1, 2, 3]", 0), "not a JSON object", "'['");
    }

    @Test
    void overlappingOffsets() throws IOException {
        rejects(file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12),
                "\"b\"", "overlaps tensor \"a\"");
    }

    @Test
    void gappedOffsets() throws IOException {
        rejects(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 12),
                "\"b\" starts at byte 8", "gap of 4 bytes");
        rejects(file("{" + entry("a", "F32", "[1]", 4, 8) + "}", 8), "gap of 4 bytes");
    }

    @Test
    void offsetsPastTheBuffer() throws IOException {
        rejects(file("{" + entry("a", "F32", "[4]", 0, 16) + "}", 8), "truncated", "ends past the end of the file");
    }

    @Test
    void bytesAfterTheLastTensor() throws IOException {
        rejects(file("{" + entry("a", "F32", "[1]", 0, 4) + "}", 9), "5 bytes after the last tensor");
    }

    @Test
    void unknownAndUnsupportedDtypes() throws IOException {
        rejects(file("{" + entry("a", "F7", "[1]", 0, 4) + "}", 4), "unknown dtype \"F7\"");
        rejects(file("{" + entry("a", "F8_E4M3", "[4]", 0, 4) + "}", 4), "unsupported dtype F8_E4M3");
        rejects(file("{" + entry("a", "U32", "[1]", 0, 4) + "}", 4), "unsupported dtype U32");
    }

    @Test
    void shapeAndByteCountMismatch() throws IOException {
        rejects(file("{" + entry("a", "F32", "[2,2]", 0, 12) + "}", 12), "need 16 bytes", "span 12 bytes", "mismatch");
        rejects(file("{" + entry("a", "F32", "[2]", 8, 0) + "}", 8), "end before they begin");
    }

    @Test
    void negativeDimension() throws IOException {
        rejects(file("{" + entry("a", "F32", "[-1,4]", 0, 16) + "}", 16), "negative dimension -1");
    }

    @Test
    void absurdShapes() throws IOException {
        long big = 1L << 40;
        rejects(file("{" + entry("a", "F32", "[" + big + "," + big + "]", 0, 16) + "}", 16), "absurd shape", "overflows");
        // 2^31 × 2^31 elements fit a long, their byte size (× 4) does not.
        rejects(file("{" + entry("a", "F32", "[2147483648,2147483648]", 0, 16) + "}", 16), "byte size overflows");
        // Large but representable: rejected by the byte count, nothing is allocated.
        rejects(file("{" + entry("a", "F32", "[1073741824,1073741824]", 0, 16) + "}", 16), "mismatch");
        rejects(file("{" + entry("a", "F32", "[99999999999999999999]", 0, 16) + "}", 16), "not an integer in the 64-bit range");
        rejects(file("{" + entry("a", "F32", "[2.5]", 0, 16) + "}", 16), "not an integer");
    }

    @Test
    void duplicateKeys() throws IOException {
        rejects(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", 8),
                "Duplicate field 'a'");
    }

    @Test
    void badMetadata() throws IOException {
        rejects(file("{\"__metadata__\":{\"n\":1}," + entry("a", "F32", "[1]", 0, 4) + "}", 4),
                "__metadata__ value for \"n\"", "not a string");
        rejects(file("{\"__metadata__\":[\"x\"]," + entry("a", "F32", "[1]", 0, 4) + "}", 4), "__metadata__", "not a JSON object");
        rejects(file("{\"__metadata__\":{\"n\":{\"deep\":\"x\"}}}", 0), "not a string");
    }

    @Test
    void malformedEntries() throws IOException {
        rejects(file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "no \"dtype\"");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4), "3 values, expected 2");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", 4), "no \"shape\" array");
        rejects(file("{\"a\":[1,2]}", 0), "\"a\" is not a JSON object");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4), "unknown field \"x\"");
    }

    @Test
    void boolBytesOtherThanZeroOrOneAreRefusedOnRead() throws IOException {
        byte[] h = ("{" + entry("ok", "BOOL", "[2]", 0, 2) + "," + entry("bad", "BOOL", "[2]", 2, 4) + "}")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h).put(new byte[]{1, 0, 1, 2});
        Path p = tmp.resolve("bool.safetensors");
        Files.write(p, buf.array());
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new long[]{1, 0}, Tensors.toLongArray(f.tensor("ok")));
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.tensor("bad"));
            assertTrue(e.getMessage().contains("\"bad\" is BOOL but holds the byte value 2"), e.getMessage());
        }
    }

    @Test
    void missingFileAndMissingTensor() throws IOException {
        Path absent = tmp.resolve("absent.safetensors");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(absent));
        assertTrue(e.getMessage().contains("does not exist"));
        try (SafetensorsFile f = SafetensorsFile.open(file("{" + entry("a", "F32", "[1]", 0, 4) + "}", 4))) {
            SafetensorsException m = assertThrows(SafetensorsException.class, () -> f.tensor("b"));
            assertTrue(m.getMessage().contains("no tensor named \"b\""), m.getMessage());
        }
    }
}
