package dev.lofilora.listen;

import com.fasterxml.jackson.core.JsonProcessingException;

/** The {@code --json} form of listen's results: snake_case like {@code quality_scores.json}, paths as plain strings. */
public final class ListenJson {
    private ListenJson() {}

    public static String of(Object result) {
        try {
            return ScoresFile.MAPPER.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + result.getClass().getName(), e);
        }
    }
}
