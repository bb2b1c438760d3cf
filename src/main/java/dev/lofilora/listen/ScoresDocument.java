package dev.lofilora.listen;

import java.util.ArrayList;
import java.util.List;

/**
 * The content of {@code quality_scores.json} (schema: {@code docs/quality_scores.schema.json}): the sessions, each
 * with its trial plan, and every answer ever given. Append-only: records are added, never changed or removed.
 */
public record ScoresDocument(String format, int version, List<SessionRecord> sessions, List<RatingRecord> ratings) {
    public static final String FORMAT = "lofi-lora quality_scores";
    public static final int VERSION = 1;

    public ScoresDocument {
        sessions = List.copyOf(sessions == null ? List.of() : sessions);
        ratings = List.copyOf(ratings == null ? List.of() : ratings);
    }

    public static ScoresDocument empty() {
        return new ScoresDocument(FORMAT, VERSION, List.of(), List.of());
    }

    public ScoresDocument plus(SessionRecord s) {
        List<SessionRecord> l = new ArrayList<>(sessions);
        l.add(s);
        return new ScoresDocument(format, version, l, ratings);
    }

    public ScoresDocument plus(RatingRecord r) {
        List<RatingRecord> l = new ArrayList<>(ratings);
        l.add(r);
        return new ScoresDocument(format, version, sessions, l);
    }

    /** The session of that id, or null. */
    public SessionRecord session(String id) {
        for (SessionRecord s : sessions) if (s.session().equals(id)) return s;
        return null;
    }

    /** The answers of one session, in the order they were given. */
    public List<RatingRecord> ratingsOf(String sessionId) {
        return ratings.stream().filter(r -> r.session().equals(sessionId)).toList();
    }

    /** True when every trial of the session has an answer. */
    public boolean complete(SessionRecord s) {
        return ratingsOf(s.session()).size() == s.trials().size();
    }
}
