package dev.lofilora.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;

/** The one Jackson mapper of the project (thread-safe once configured) and atomic JSON file writes. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {}

    /** Writes {@code value} as indented JSON, atomically. */
    public static void write(Path target, Object value) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(value);
        AtomicFiles.write(target, out -> { out.write(bytes); out.write('\n'); });
    }

    public static String toString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
        }
    }

    /** Reads a JSON file into a tree, turning a parse error into a message that names the file and the line. */
    public static JsonNode readTree(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new LofiException(file, "is not valid JSON" + where + ": " + e.getOriginalMessage(),
                    "fix the JSON syntax");
        } catch (IOException e) {
            throw new LofiException(file, "cannot be read: " + e.getMessage(), "check that it exists and is readable", e);
        }
    }
}
