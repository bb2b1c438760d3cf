package dev.lofilora.listen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.lofilora.common.AtomicFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads, validates and appends to {@code quality_scores.json}. Every change reads the file afresh under an
 * exclusive lock ({@code .<name>.lock} beside it, so two raters' servers on one file never lose each other's
 * answers), validates it, adds one record and renames a complete new file into place ({@link AtomicFiles}).
 * A file that cannot be read or does not validate is never written: the error names its line and column (syntax
 * and type errors) or the record (consistency errors) and the file stays as it is.
 */
public final class ScoresFile {
    /** snake_case field names, as in the schema; the project mapper's strictness (unknown fields fail). */
    static final ObjectMapper MAPPER = Json.MAPPER.copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new SimpleModule().addSerializer(Path.class, ToStringSerializer.instance));
    private static final String KEEP = "fix or move the file away; lofi never overwrites a scores file it cannot read";

    private ScoresFile() {}

    /** The document in {@code file}; an empty one when the file does not exist yet. */
    public static ScoresDocument read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return ScoresDocument.empty();
        } catch (IOException e) {
            throw new LofiException(file, "cannot be read: " + e.getMessage(), "check that it is a readable file", e);
        }
        if (bytes.length == 0) throw new LofiException(file, "is empty, not a scores file", KEEP);
        ScoresDocument doc;
        try {
            doc = MAPPER.readValue(bytes, ScoresDocument.class);
        } catch (JsonProcessingException e) {
            throw new LofiException(file, describe(e), KEEP);
        } catch (IOException e) {
            throw new LofiException(file, "cannot be read: " + e.getMessage(), KEEP, e);
        }
        if (doc == null) throw new LofiException(file, "holds JSON null, not a scores file", KEEP);
        validate(file, doc);
        return doc;
    }

    /** Appends a new session (its id must be new). */
    public static ScoresDocument appendSession(Path file, SessionRecord s) throws IOException {
        return update(file, doc -> {
            if (doc.session(s.session()) != null) {
                throw new LofiException(file, "already has a session \"" + s.session() + "\"", "resume it or pick another id");
            }
            return doc.plus(s);
        });
    }

    /** Appends one answer (its session must exist and the trial must not be answered yet). */
    public static ScoresDocument appendRating(Path file, RatingRecord r) throws IOException {
        return update(file, doc -> doc.plus(r));
    }

    private static ScoresDocument update(Path file, UnaryOperator<ScoresDocument> change) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path lockFile = abs.resolveSibling("." + abs.getFileName() + ".lock");
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lock(ch, lockFile)) {
            ScoresDocument next = change.apply(read(abs));
            validate(abs, next);
            byte[] bytes = MAPPER.writeValueAsBytes(next);
            AtomicFiles.write(abs, out -> { out.write(bytes); out.write('\n'); });
            return next;
        }
    }

    /** The OS lock; another thread of this JVM holding it shows as OverlappingFileLockException, so wait for it. */
    private static FileLock lock(FileChannel ch, Path lockFile) throws IOException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return ch.lock();
            } catch (OverlappingFileLockException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(lockFile + " stays locked by this process; another listening session hangs");
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for " + lockFile, ie);
                }
            }
        }
    }

    /** "is not valid JSON at line 3, column 7: ..." or "does not match the scores schema at … (ratings[2].choice): ...". */
    static String describe(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamReadException syntax) return "is not valid JSON" + at(syntax) + ": " + clean(syntax);
        }
        StringBuilder path = new StringBuilder();
        if (e instanceof JsonMappingException m) {
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
                else if (r.getIndex() >= 0) path.append('[').append(r.getIndex()).append(']');
            }
        }
        return "does not match the scores schema" + at(e) + (path.length() == 0 ? "" : " (" + path + ")") + ": " + clean(e);
    }

    private static String at(JsonProcessingException e) {
        var loc = e.getLocation();
        return loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    /** The parser's message without its "[Source: REDACTED …; " boilerplate. */
    private static String clean(JsonProcessingException e) {
        return e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[");
    }

    /** Consistency a schema cannot express: answers refer to planned trials, once each, with matching systems. */
    static void validate(Path file, ScoresDocument doc) {
        if (!ScoresDocument.FORMAT.equals(doc.format())) {
            throw bad(file, "has format \"" + doc.format() + "\", not \"" + ScoresDocument.FORMAT + "\"");
        }
        if (doc.version() != ScoresDocument.VERSION) {
            throw bad(file, "has version " + doc.version() + "; this lofi reads version " + ScoresDocument.VERSION);
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < doc.sessions().size(); i++) {
            SessionRecord s = doc.sessions().get(i);
            String at = "sessions[" + i + "]";
            if (s.session() == null || s.rater() == null || s.started() == null || s.systemA() == null
                    || s.systemB() == null || s.trials() == null || s.systemA().id() == null || s.systemB().id() == null) {
                throw bad(file, at + " lacks one of session, rater, started, system_a.id, system_b.id, trials");
            }
            if (!instant(s.started())) throw bad(file, at + ".started is not an ISO-8601 instant: \"" + s.started() + "\"");
            if (!ids.add(s.session())) throw bad(file, at + " repeats the session id \"" + s.session() + "\"");
            if (s.systemA().id().equals(s.systemB().id())) throw bad(file, at + " rates system \"" + s.systemA().id() + "\" against itself");
            Set<String> systems = Set.of(s.systemA().id(), s.systemB().id());
            for (int t = 0; t < s.trials().size(); t++) {
                SessionRecord.TrialRecord tr = s.trials().get(t);
                if (tr.trial() != t + 1) throw bad(file, at + ".trials[" + t + "] has number " + tr.trial() + ", expected " + (t + 1));
                if (tr.pair() == null || tr.left() == null || tr.right() == null || tr.left().equals(tr.right())
                        || !systems.contains(tr.left()) || !systems.contains(tr.right())) {
                    throw bad(file, at + ".trials[" + t + "] needs a pair and the session's two systems on left and right");
                }
            }
        }
        Set<String> answered = new HashSet<>();
        for (int i = 0; i < doc.ratings().size(); i++) {
            RatingRecord r = doc.ratings().get(i);
            String at = "ratings[" + i + "]";
            if (r.session() == null || r.rater() == null || r.choice() == null || r.left() == null || r.right() == null
                    || r.left().system() == null || r.right().system() == null || r.timestamp() == null || r.pair() == null) {
                throw bad(file, at + " lacks one of session, rater, timestamp, pair, left.system, right.system, choice");
            }
            if (!instant(r.timestamp())) throw bad(file, at + ".timestamp is not an ISO-8601 instant: \"" + r.timestamp() + "\"");
            SessionRecord s = doc.session(r.session());
            if (s == null) throw bad(file, at + " belongs to session \"" + r.session() + "\", which the file does not list");
            if (r.trial() < 1 || r.trial() > s.trials().size()) {
                throw bad(file, at + " answers trial " + r.trial() + "; session \"" + s.session() + "\" has " + s.trials().size());
            }
            SessionRecord.TrialRecord tr = s.trials().get(r.trial() - 1);
            if (!tr.pair().equals(r.pair()) || !tr.left().equals(r.left().system()) || !tr.right().equals(r.right().system())) {
                throw bad(file, at + " (session \"" + s.session() + "\", trial " + r.trial() + ") does not match the session's plan");
            }
            if (!s.rater().equals(r.rater())) throw bad(file, at + " has rater \"" + r.rater() + "\"; its session's is \"" + s.rater() + "\"");
            if (!answered.add(r.session() + "\n" + r.trial())) {
                throw bad(file, at + " answers trial " + r.trial() + " of session \"" + r.session() + "\" a second time");
            }
            String preferred = RatingRecord.preferredBy(r.choice(), r.left().system(), r.right().system());
            if (!java.util.Objects.equals(preferred, r.preferred())
                    || !java.util.Objects.equals(RatingRecord.strengthOf(r.choice()), r.strength())) {
                throw bad(file, at + " has preferred/strength that contradict its choice \"" + r.choice().id() + "\"");
            }
            if (r.left().plays() < 0 || r.right().plays() < 0 || !(r.left().listeningSeconds() >= 0)
                    || !(r.right().listeningSeconds() >= 0) || !(r.answerSeconds() >= 0)) {
                throw bad(file, at + " has a negative play count or time");
            }
        }
    }

    private static boolean instant(String s) {
        try {
            java.time.Instant.parse(s);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private static LofiException bad(Path file, String problem) {
        return new LofiException(file, problem, KEEP);
    }
}
