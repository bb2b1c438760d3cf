package dev.lofilora.listen;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.lofilora.common.LofiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class ScoresFileTest {
    @TempDir Path tmp;

    static SessionRecord session(String id, int trials) {
        List<SessionRecord.TrialRecord> t = new java.util.ArrayList<>();
        for (int i = 1; i <= trials; i++) {
            t.add(new SessionRecord.TrialRecord(i, "clip_" + i, i % 2 == 0 ? "a" : "b", i % 2 == 0 ? "b" : "a", 0, 1.5));
        }
        return new SessionRecord(id, "ann", "2025-03-01T12:00:00Z", 7, new SessionRecord.SystemRecord("a", "/x/a"),
                new SessionRecord.SystemRecord("b", "/x/b"), -14, t);
    }

    static RatingRecord rating(SessionRecord s, int trial, Choice c) {
        SessionRecord.TrialRecord t = s.trials().get(trial - 1);
        return new RatingRecord(s.session(), s.rater(), "2025-03-01T12:0" + trial + ":00.5Z", trial, t.pair(),
                new RatingRecord.SideRecord(t.left(), 2, 10.5), new RatingRecord.SideRecord(t.right(), 1, 4.25), c,
                RatingRecord.preferredBy(c, t.left(), t.right()), RatingRecord.strengthOf(c), "warmer", 20.0);
    }

    /** The schema of docs/, checked with networknt's validator (draft 2020-12). */
    static Set<ValidationMessage> schemaErrors(Path scores) throws Exception {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(Files.newInputStream(Path.of("docs/quality_scores.schema.json")));
        JsonNode doc = ScoresFile.MAPPER.readTree(scores.toFile());
        return schema.validate(doc);
    }

    @Test
    void appendsSessionsAndRatingsAndReadsThemBackValidAgainstTheSchema() throws Exception {
        Path f = tmp.resolve("meta/quality_scores.json");
        SessionRecord s = session("s1", 3);
        ScoresFile.appendSession(f, s);
        ScoresFile.appendRating(f, rating(s, 2, Choice.LEFT_MUCH_BETTER));
        ScoresFile.appendRating(f, rating(s, 1, Choice.NO_PREFERENCE));
        ScoresDocument d = ScoresFile.read(f);
        assertEquals(1, d.sessions().size());
        assertEquals(List.of(2, 1), d.ratings().stream().map(RatingRecord::trial).toList());
        RatingRecord r = d.ratings().get(0);
        assertEquals("a", r.preferred(), "trial 2 shows a on the left; left much better -> a");
        assertEquals(2, r.strength());
        assertEquals(10.5, r.left().listeningSeconds());
        assertNull(d.ratings().get(1).preferred());
        assertNull(d.ratings().get(1).strength());
        assertEquals(Set.of(), schemaErrors(f));
        String text = Files.readString(f);
        assertTrue(text.contains("\"listening_seconds\" : 10.5") && text.contains("\"left_gain_db\""), text);
    }

    @Test
    void corruptFileIsRefusedWithLineAndColumnAndNeverOverwritten() throws Exception {
        Path f = tmp.resolve("quality_scores.json");
        String corrupt = "{\n  \"format\": \"lofi-lora quality_scores\",\n  \"version\": 1,\n  \"sessions\": [ },\n  \"ratings\": []\n}\n";
        Files.writeString(f, corrupt);
        LofiException e = assertThrows(LofiException.class, () -> ScoresFile.read(f));
        assertTrue(e.getMessage().contains("is not valid JSON at line 4, column 17"), e.getMessage());
        assertTrue(e.getMessage().contains("never overwrites"), e.getMessage());
        SessionRecord s = session("s1", 2);
        assertThrows(LofiException.class, () -> ScoresFile.appendSession(f, s));
        assertThrows(LofiException.class, () -> ScoresFile.appendRating(f, rating(s, 1, Choice.SAME)));
        assertEquals(corrupt, Files.readString(f), "the corrupt file is left exactly as it was");
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(".quality_scores.json.lock", "quality_scores.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left behind");
        }
    }

    @Test
    void wrongTypeIsRefusedWithLineColumnAndPath() throws Exception {
        Path f = tmp.resolve("q.json");
        SessionRecord s = session("s1", 2);
        ScoresFile.appendSession(f, s);
        ScoresFile.appendRating(f, rating(s, 1, Choice.SAME));
        String good = Files.readString(f);
        String bad = good.replace("\"choice\" : \"same\"", "\"choice\" : \"sames\"");
        Files.writeString(f, bad);
        LofiException e = assertThrows(LofiException.class, () -> ScoresFile.read(f));
        assertTrue(e.getMessage().matches("(?s).*does not match the scores schema at line \\d+, column \\d+ \\(ratings\\[0\\]\\.choice\\).*"),
                e.getMessage());
        assertThrows(LofiException.class, () -> ScoresFile.appendRating(f, rating(s, 2, Choice.SAME)));
        assertEquals(bad, Files.readString(f));
    }

    @Test
    void inconsistentRecordsAreRefusedByName() throws Exception {
        Path f = tmp.resolve("q.json");
        SessionRecord s = session("s1", 2);
        ScoresFile.appendSession(f, s);
        ScoresFile.appendRating(f, rating(s, 1, Choice.SAME));
        LofiException twice = assertThrows(LofiException.class, () -> ScoresFile.appendRating(f, rating(s, 1, Choice.SAME)));
        assertTrue(twice.getMessage().contains("answers trial 1 of session \"s1\" a second time"), twice.getMessage());
        LofiException unknown = assertThrows(LofiException.class,
                () -> ScoresFile.appendRating(f, rating(session("s9", 2), 1, Choice.SAME)));
        assertTrue(unknown.getMessage().contains("session \"s9\", which the file does not list"), unknown.getMessage());
        RatingRecord r = rating(s, 2, Choice.LEFT_BETTER);
        RatingRecord lying = new RatingRecord(r.session(), r.rater(), r.timestamp(), r.trial(), r.pair(), r.left(),
                r.right(), r.choice(), r.right().system(), r.strength(), r.comment(), r.answerSeconds());
        LofiException contradiction = assertThrows(LofiException.class, () -> ScoresFile.appendRating(f, lying));
        assertTrue(contradiction.getMessage().contains("contradict its choice"), contradiction.getMessage());
        assertEquals(1, ScoresFile.read(f).ratings().size());
    }

    @Test
    void emptyFileIsRefusedAndKept() throws Exception {
        Path f = tmp.resolve("q.json");
        Files.writeString(f, "");
        LofiException e = assertThrows(LofiException.class, () -> ScoresFile.appendSession(f, session("s", 1)));
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
        assertEquals(0, Files.size(f));
    }
}
