package dev.lofilora.listen;

import dev.lofilora.common.LofiException;

import java.nio.file.Path;

/**
 * What {@code lofi listen} rates: clips of folder {@code a} against the clips of the same name in folder {@code b}.
 *
 * @param folderA    the first system's clips (top-level audio files; paired with {@code folderB} by file name
 *                   without extension)
 * @param folderB    the second system's clips
 * @param nameA      the first system's id in {@code quality_scores.json} (null: from the folder, see
 *                   {@link ClipFolders#systemIds})
 * @param nameB      the second system's id (null: from the folder)
 * @param pairs      trials in a new session: this many clip pairs, chosen by the seed; 0 = every common clip
 * @param seed       seed of the pair choice, order and left/right sides; null = a fresh random seed (recorded)
 * @param port       TCP port on 127.0.0.1; 0 = a free one
 * @param rater      who rates (recorded with every answer)
 * @param scores     the scores file ({@code data/metadata/quality_scores.json})
 * @param session    the session id: one in {@code scores} is resumed, a new one starts a session of that id;
 *                   null = a new generated id (or the latest unfinished session when {@code resume})
 * @param resume     resume this rater's latest unfinished session on the same two systems
 * @param targetLufs loudness both clips of a trial are matched to (the level {@code lofi process} writes)
 */
public record ListenConfig(Path folderA, Path folderB, String nameA, String nameB, int pairs, Long seed, int port,
                           String rater, Path scores, String session, boolean resume, double targetLufs) {
    public static final double DEFAULT_TARGET_LUFS = -14.0;

    public ListenConfig {
        if (folderA == null || folderB == null) throw new LofiException("both --a and --b are needed", "pass two folders of clips");
        if (scores == null) throw new LofiException("no scores file", "pass --scores");
        if (pairs < 0) throw new LofiException("--pairs must be 0 (all) or more, was " + pairs, "pass a count of clip pairs");
        if (port < 0 || port > 65535) throw new LofiException("--port must be 0..65535, was " + port, "pass 0 for a free port");
        if (rater == null || rater.isBlank() || rater.length() > 100 || !rater.strip().equals(rater)) {
            throw new LofiException("--rater must be 1..100 characters without leading or trailing spaces", "pass --rater NAME");
        }
        if (session != null && !session.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new LofiException("--session must be 1..64 letters, digits, '.', '_' or '-', was \"" + session + "\"",
                    "pass the id printed when the session started");
        }
        if (resume && session != null) throw new LofiException("--resume and --session exclude each other", "pass one of them");
        if (!(targetLufs > -70 && targetLufs < 0)) throw new LofiException("target loudness must be in (-70, 0) LUFS", "");
    }

    /** Every clip pair, a fresh seed, a free port, the default scores file's loudness target. */
    public static ListenConfig of(Path folderA, Path folderB, Path scores, String rater) {
        return new ListenConfig(folderA, folderB, null, null, 0, null, 0, rater, scores, null, false, DEFAULT_TARGET_LUFS);
    }

    public ListenConfig withNames(String a, String b) {
        return new ListenConfig(folderA, folderB, a, b, pairs, seed, port, rater, scores, session, resume, targetLufs);
    }

    public ListenConfig withPairs(int n) {
        return new ListenConfig(folderA, folderB, nameA, nameB, n, seed, port, rater, scores, session, resume, targetLufs);
    }

    public ListenConfig withSeed(Long s) {
        return new ListenConfig(folderA, folderB, nameA, nameB, pairs, s, port, rater, scores, session, resume, targetLufs);
    }

    public ListenConfig withPort(int p) {
        return new ListenConfig(folderA, folderB, nameA, nameB, pairs, seed, p, rater, scores, session, resume, targetLufs);
    }

    public ListenConfig withSession(String id) {
        return new ListenConfig(folderA, folderB, nameA, nameB, pairs, seed, port, rater, scores, id, resume, targetLufs);
    }

    public ListenConfig withResume(boolean r) {
        return new ListenConfig(folderA, folderB, nameA, nameB, pairs, seed, port, rater, scores, session, r, targetLufs);
    }

    public ListenConfig withTargetLufs(double lufs) {
        return new ListenConfig(folderA, folderB, nameA, nameB, pairs, seed, port, rater, scores, session, resume, lufs);
    }
}
