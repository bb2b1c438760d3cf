package dev.lofilora.listen;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A session's state on the server: its plan (a {@link SessionRecord}), the clip files behind each trial and the
 * answers so far. An answer is on disk (appended to the scores file, atomically) before it counts, so a killed
 * server loses at most the trial in progress. Thread-safe.
 */
final class ListenSession {
    private final Path scores;
    private final SessionRecord record;
    private final boolean resumed;
    private final Map<String, Path> folderOf = new HashMap<>(); // system id -> real folder
    private final Map<String, ClipPair> pairs = new HashMap<>();
    private final String idA;
    private final TreeMap<Integer, RatingRecord> answers = new TreeMap<>();
    private boolean persisted;

    private ListenSession(Path scores, SessionRecord record, boolean resumed, ClipFolders.Pairing pairing,
                          String idA, Path realA, String idB, Path realB, List<RatingRecord> earlier) {
        this.scores = scores;
        this.record = record;
        this.resumed = resumed;
        this.persisted = resumed;
        this.idA = idA;
        folderOf.put(idA, realA);
        folderOf.put(idB, realB);
        for (ClipPair p : pairing.pairs()) pairs.put(p.name(), p);
        for (RatingRecord r : earlier) answers.put(r.trial(), r);
    }

    /** Opens the session {@code config} asks for: resumes one of the scores file, or plans a new one. */
    static ListenSession open(ListenConfig config, ProgressListener progress) {
        ScoresDocument doc = ScoresFile.read(config.scores()); // a corrupt file stops here, before anything runs
        ClipFolders.Pairing pairing = ClipFolders.pair(config.folderA(), config.folderB());
        String[] ids = ClipFolders.systemIds(config.folderA(), config.folderB());
        String idA = config.nameA() != null ? config.nameA() : ids[0];
        String idB = config.nameB() != null ? config.nameB() : ids[1];
        checkId(idA);
        checkId(idB);
        if (idA.equals(idB)) throw new LofiException("both systems are called \"" + idA + "\"", "pass --a-name and --b-name");
        Path realA = ClipFolders.realFolder(config.folderA()), realB = ClipFolders.realFolder(config.folderB());

        SessionRecord existing = null;
        if (config.session() != null) existing = doc.session(config.session());
        else if (config.resume()) {
            existing = doc.sessions().stream()
                    .filter(s -> s.rater().equals(config.rater()) && !doc.complete(s) && sameSystems(s, idA, idB))
                    .max(Comparator.comparing(s -> Instant.parse(s.started()))).orElse(null);
            if (existing == null) {
                throw new LofiException(config.scores(), "has no unfinished session of rater \"" + config.rater()
                        + "\" rating " + idA + " against " + idB, "start a new session (leave out --resume)");
            }
        }
        if (existing != null) {
            checkResumable(config, doc, existing, idA, idB, pairing);
            return new ListenSession(config.scores(), existing, true, pairing, idA, realA, idB, realB,
                    doc.ratingsOf(existing.session()));
        }
        long seed = config.seed() != null ? config.seed() : new SecureRandom().nextLong();
        List<TrialPlan.Trial> plan = TrialPlan.of(pairing.pairs().stream().map(ClipPair::name).toList(), config.pairs(), seed);
        Map<String, ClipPair> byName = new HashMap<>();
        for (ClipPair p : pairing.pairs()) byName.put(p.name(), p);
        progress.start("measuring loudness", plan.size());
        List<SessionRecord.TrialRecord> trials = new ArrayList<>();
        for (TrialPlan.Trial t : plan) {
            ClipPair p = byName.get(t.pair());
            AudioBuffer a = ClipAudio.read(p.fileA(), p.name(), idA), b = ClipAudio.read(p.fileB(), p.name(), idB);
            ClipAudio.Match m = ClipAudio.match(a, b, config.targetLufs());
            trials.add(t.aOnLeft()
                    ? new SessionRecord.TrialRecord(t.number(), t.pair(), idA, idB, m.gainA(), m.gainB())
                    : new SessionRecord.TrialRecord(t.number(), t.pair(), idB, idA, m.gainB(), m.gainA()));
            progress.advance(1, p.name());
        }
        progress.finish();
        String id = config.session() != null ? config.session() : newId();
        SessionRecord record = new SessionRecord(id, config.rater(), Instant.now().toString(), seed,
                new SessionRecord.SystemRecord(idA, realA.toString()), new SessionRecord.SystemRecord(idB, realB.toString()),
                config.targetLufs(), trials);
        return new ListenSession(config.scores(), record, false, pairing, idA, realA, idB, realB, List.of());
    }

    private static void checkId(String id) {
        if (id.isBlank() || id.length() > 200 || id.chars().anyMatch(Character::isISOControl)) {
            throw new LofiException("system id \"" + id + "\" must be 1..200 printable characters", "pass --a-name / --b-name");
        }
    }

    private static boolean sameSystems(SessionRecord s, String a, String b) {
        return (s.systemA().id().equals(a) && s.systemB().id().equals(b)) || (s.systemA().id().equals(b) && s.systemB().id().equals(a));
    }

    private static void checkResumable(ListenConfig config, ScoresDocument doc, SessionRecord s, String idA, String idB,
                                       ClipFolders.Pairing pairing) {
        String id = s.session();
        if (!s.rater().equals(config.rater())) {
            throw new LofiException(config.scores(), "session \"" + id + "\" belongs to rater \"" + s.rater() + "\"",
                    "pass --rater " + s.rater() + " to resume it, or start a new session");
        }
        if (!sameSystems(s, idA, idB)) {
            throw new LofiException(config.scores(), "session \"" + id + "\" rates " + s.systemA().id() + " against "
                    + s.systemB().id() + ", not " + idA + " against " + idB, "pass the same folders (or --a-name/--b-name) as when it began");
        }
        if (doc.complete(s)) {
            throw new LofiException(config.scores(), "session \"" + id + "\" is complete (" + s.trials().size() + " of "
                    + s.trials().size() + " answered)", "start a new session");
        }
        List<String> names = pairing.pairs().stream().map(ClipPair::name).toList();
        List<String> missing = s.trials().stream().map(SessionRecord.TrialRecord::pair).filter(n -> !names.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new LofiException(config.scores(), "session \"" + id + "\" needs clips no longer in both folders: "
                    + String.join(", ", missing), "put the clips back to resume it, or start a new session");
        }
    }

    private static String newId() {
        String time = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        return time + "-" + String.format("%04x", new SecureRandom().nextInt(1 << 16));
    }

    /** Writes the session record to the scores file if it is new (after the server could bind its port). */
    synchronized void persist() throws IOException {
        if (persisted) return;
        ScoresFile.appendSession(scores, record);
        persisted = true;
    }

    SessionRecord record() { return record; }

    boolean resumed() { return resumed; }

    Path scores() { return scores; }

    int trials() { return record.trials().size(); }

    synchronized int answered() { return answers.size(); }

    synchronized boolean complete() { return answers.size() == record.trials().size(); }

    synchronized boolean answered(int trial) { return answers.containsKey(trial); }

    /** The lowest unanswered trial number, or 0 when the session is complete. */
    synchronized int nextTrial() {
        for (int t = 1; t <= trials(); t++) if (!answers.containsKey(t)) return t;
        return 0;
    }

    synchronized List<RatingRecord> answers() { return List.copyOf(answers.values()); }

    boolean hasTrial(int trial) { return trial >= 1 && trial <= trials(); }

    SessionRecord.TrialRecord trial(int n) { return record.trials().get(n - 1); }

    /** The clip file shown on {@code left} or right in trial {@code n}, re-checked to be inside its folder; or null. */
    Path file(int n, boolean left) {
        SessionRecord.TrialRecord t = trial(n);
        String system = left ? t.left() : t.right();
        ClipPair p = pairs.get(t.pair());
        Path f = system.equals(idA) ? p.fileA() : p.fileB();
        return ClipFolders.inside(folderOf.get(system), f);
    }

    /** The trial's clip name and system of one side, for error messages. */
    String describe(int n, boolean left) {
        SessionRecord.TrialRecord t = trial(n);
        return "clip \"" + t.pair() + "\" of " + (left ? t.left() : t.right());
    }

    /** What the page sends with an answer. */
    record Answer(Choice choice, String comment, Counts plays, Seconds listeningSeconds, Double answerSeconds) {}

    record Counts(int a, int b) {}

    record Seconds(double a, double b) {}

    /** A refused request: the HTTP status and a message for the page. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** Records an answer (on disk first); refuses an unknown trial (404) and a second answer (409). */
    synchronized RatingRecord answer(int n, Answer a) throws IOException {
        if (!hasTrial(n)) throw new Refused(404, "no trial " + n + " in this session (it has " + trials() + ")");
        if (answers.containsKey(n)) throw new Refused(409, "trial " + n + " is already answered");
        SessionRecord.TrialRecord t = trial(n);
        String comment = a.comment() == null ? "" : a.comment().strip();
        RatingRecord r = new RatingRecord(record.session(), record.rater(), Instant.now().toString(), n, t.pair(),
                new RatingRecord.SideRecord(t.left(), a.plays().a(), round(a.listeningSeconds().a())),
                new RatingRecord.SideRecord(t.right(), a.plays().b(), round(a.listeningSeconds().b())),
                a.choice(), RatingRecord.preferredBy(a.choice(), t.left(), t.right()), RatingRecord.strengthOf(a.choice()),
                comment, round(a.answerSeconds()));
        ScoresFile.appendRating(scores, r);
        answers.put(n, r);
        return r;
    }

    private static double round(double s) {
        return Math.rint(s * 1000) / 1000;
    }
}
