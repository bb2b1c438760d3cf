package dev.lofilora.dataset.curate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bookkeeping around one track's output in one {@code --out} folder: whether an earlier run's output can be
 * kept (resume), and, once the track is done, its new {@link ProcessState} record and the removal of what an earlier
 * run wrote for it that is no longer wanted (through {@link OutputKeeper}, which deletes only what is proven).
 * Thread-safe for distinct tracks (each track's state file is touched by one worker).
 */
final class TrackRecords {
    private final Path stateDir;
    private final OutputKeeper keeper;

    TrackRecords(Path stateDir, OutputKeeper keeper) {
        this.stateDir = stateDir;
        this.keeper = keeper;
    }

    OutputKeeper keeper() { return keeper; }

    Path stateDir() { return stateDir; }

    /**
     * The report of an earlier run whose output can be kept: this folder's record matches the input, the config and
     * the output path, and the file is still there with its size; or (a copied project folder) another folder's
     * record matches and the file here has that record's size and sha256. Null when the track must be redone.
     */
    FileReport resume(ProcessState state, TrackProcessor.Work w, String rel, String configHash) throws IOException {
        ProcessState.Output o = resumable(state, w.sha256, rel, configHash);
        if (o == null) return null;
        Path out = keeper.inside(rel);
        if (!o.outDir().equals(ProcessState.key(keeper.outDir())) || o.outputSha256() == null) {
            // a copy recognised by its content is recorded for this folder; a format-1 record gets its hash
            record(state, new ProcessState.Output(ProcessState.key(keeper.outDir()), rel, o.outputBytes(),
                    o.outputSha256() != null ? o.outputSha256() : OutputKeeper.sha256(out), o.inputSha256(),
                    o.configHash(), null, o.report()));
        }
        return o.report().asResumed(w.file, w.input, w.license, out.toString());
    }

    /** The record whose output can be kept (see {@link #resume}), without writing anything; null when none. */
    ProcessState.Output resumable(ProcessState state, String inputSha, String rel, String configHash) throws IOException {
        Path out = keeper.inside(rel);
        if (out == null || !Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)) return null;
        ProcessState.Output here = state.forOut(keeper.outDir());
        if (matches(here, inputSha, configHash, rel) && Files.size(out) == here.outputBytes()) return here;
        for (ProcessState.Output o : state.outputs()) {
            if (o == here || o.outputSha256() == null || !matches(o, inputSha, configHash, rel)) continue;
            if (state.proves(rel, out)) return o;
        }
        return null;
    }

    private static boolean matches(ProcessState.Output o, String sha, String hash, String rel) {
        return o != null && o.report() != null && o.parts() == null && sha != null && sha.equals(o.inputSha256())
                && hash.equals(o.configHash()) && rel.equals(o.output()) && o.outputBytes() != null;
    }

    /**
     * Records the outcome of a processed track. Accepted: its record for this folder (path relative to
     * {@code --out}, size, sha256) and the removal of an earlier output of the track that is no longer wanted
     * (another path, or the parts of an earlier split). Not accepted: an output written in this run is deleted, an
     * earlier one is removed when proven this tool's, and this folder's record is dropped. Every removal is added
     * to the report (reasons and {@code removed}).
     */
    FileReport finish(TrackProcessor.Work w, ProcessState state, String configHash, String rel, List<Removal> removals) {
        if (w.name == null) return w.toReport().withRemovals(removals);
        List<Removal> all = new ArrayList<>(removals);
        try {
            if (w.status.accepted()) {
                Path out = Path.of(w.output);
                FileReport r = w.toReport();
                String sha = w.outputSha256 != null ? w.outputSha256 : OutputKeeper.sha256(out);
                all.addAll(removeEarlier(state, rel, "this track is now written as " + rel));
                record(state, new ProcessState.Output(ProcessState.key(keeper.outDir()), rel, Files.size(out), sha,
                        w.sha256, configHash, null, r));
                return r.withRemovals(all);
            }
            if (w.output != null) {
                Removal r = OutputKeeper.removeWrittenNow(Path.of(w.output), "written in this run, then the track failed");
                if (r != null) all.add(r);
            }
            all.addAll(removeEarlier(state, null, "an earlier run wrote it for this track, which is not accepted now"));
            state.without(keeper.outDir()).write(stateDir);
        } catch (IOException e) {
            w.warn("could not update the resume state: " + e.getMessage());
        }
        return w.toReport().withRemovals(all);
    }

    /**
     * Removes what this folder's record says an earlier run wrote for the track, except {@code keepRel}: its output
     * at another path, and the parts of an earlier {@code --split-long} (with their own records).
     */
    List<Removal> removeEarlier(ProcessState state, String keepRel, String why) throws IOException {
        List<Removal> out = new ArrayList<>();
        ProcessState.Output prev = state.forOut(keeper.outDir());
        if (prev == null) return out;
        if (prev.output() != null && !prev.output().equals(keepRel)) {
            Removal r = keeper.removeIfOurs(state, prev.output(), why);
            if (r != null) out.add(r);
        }
        if (prev.parts() != null) for (String part : prev.parts()) out.addAll(removePart(part, why));
        return out;
    }

    /** Removes a part written by an earlier split (proven by the part's own record) and drops that record. */
    List<Removal> removePart(String part, String why) throws IOException {
        ProcessState ps = ProcessState.read(stateDir, part);
        ProcessState.Output po = ps.forOut(keeper.outDir());
        if (po == null) return List.of();
        List<Removal> out = new ArrayList<>();
        Removal r = keeper.removeIfOurs(ps, po.output(), why + " (part " + part + ")");
        if (r != null) out.add(r);
        ps.without(keeper.outDir()).write(stateDir);
        return out;
    }

    void record(ProcessState state, ProcessState.Output o) throws IOException {
        state.with(o).write(stateDir);
    }
}
