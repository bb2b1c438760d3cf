package dev.lofilora.dataset.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.lofilora.common.Json;

/**
 * JSON laid out as Python's {@code json.dump(obj, indent=2)} lays it out ({@code "key": value}, one array element
 * per line, {@code {}} for empty objects), so the files HF {@code datasets} would write and the ones written here
 * read the same side by side. Only the layout differs from {@link Json#MAPPER}; the values are plain JSON.
 */
final class PythonJson {
    private static final ObjectWriter WRITER;

    static {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators)
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        WRITER = Json.MAPPER.writer(printer);
    }

    private PythonJson() {}

    static String dumps(JsonNode node) {
        try {
            return WRITER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}
