package dev.lofilora.dataset.curate;

import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.AudioProbe;
import dev.lofilora.audio.io.Resampler;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.Writable;
import dev.lofilora.dataset.sources.SourcesFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code process --dry-run}: what a run with this config would do, without decoding any audio and without writing,
 * moving or deleting anything (not even the lock or the report). Per file: {@code process} (it would be decoded and
 * written), {@code skip} (its output is up to date and would be kept), {@code split} (with {@code --split-long}: a
 * long file that would be cut into parts), or {@code reject} (why); and which files would be removed or moved
 * aside, by the same rules as the run ({@link OutputKeeper}). Inputs are hashed (read) to decide what is up to date.
 * Quality checks need the audio, so a file planned for {@code process} can still be rejected by the real run.
 */
public final class ProcessPlanner {
    public static final String PROCESS = "process", SKIP = "skip", SPLIT = "split", REJECT = "reject";

    private final ProcessConfig config;

    public ProcessPlanner(ProcessConfig config) { this.config = config; }

    /**
     * @param file         the path as sources.json gives it, or the found path
     * @param name         the output name, or null
     * @param action       {@value #PROCESS}, {@value #SKIP}, {@value #SPLIT} or {@value #REJECT}
     * @param reason       why (for reject and split), else null
     * @param output       where the output would go, or null
     * @param wouldRemove  files that would be removed or moved aside, with why
     */
    public record Planned(String file, String name, String action, String reason, String output,
                          List<String> wouldRemove) {}

    /**
     * @param problems problems the real run would stop on before any work (an unwritable folder)
     * @param counts   files per action
     */
    public record Plan(String rawDir, String outDir, boolean splitLong, List<Planned> files, List<String> problems,
                       java.util.Map<String, Integer> counts) {
        /** Exit code 0 when every file would be processed or kept, 1 when some would be rejected, 2 on a problem. */
        public int exitCode() {
            if (!problems.isEmpty()) return 2;
            return counts.getOrDefault(REJECT, 0) > 0 ? 1 : 0;
        }
    }

    public Plan plan() throws IOException {
        Path raw = config.rawDir();
        if (!Files.isDirectory(raw)) {
            throw new LofiException(raw, "is not a folder", "pass the folder that holds your source audio (e.g. data/raw)");
        }
        SourcesFile sources = SourcesFile.load(config.sourcesFile());
        List<String> problems = new ArrayList<>();
        String p = Writable.problem(config.outDir());
        if (p != null) problems.add("--out " + config.outDir() + ": " + p);
        p = Writable.problem(config.metadataDir());
        if (p != null) problems.add("--metadata " + config.metadataDir() + ": " + p);

        String configHash = new ProcessJob(config).configHash(config.settings(), Resampler.highQuality());
        TrackRecords records = new TrackRecords(config.stateDir(), new OutputKeeper(config.outDir()));
        List<Planned> out = new ArrayList<>();
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (ProcessItems.Item item : ProcessItems.list(raw, sources, config.outDir())) {
            Planned pl = planOne(item, records, configHash);
            out.add(pl);
            counts.merge(pl.action(), 1, Integer::sum);
        }
        return new Plan(raw.toAbsolutePath().toString(), config.outDir().toAbsolutePath().toString(), config.splitLong(),
                out, problems, counts);
    }

    private Planned planOne(ProcessItems.Item item, TrackRecords records, String configHash) throws IOException {
        if (item.entry() == null) {
            return new Planned(item.unlistedFile(), null, REJECT, "no licence entry in " + config.sourcesFile().getFileName(),
                    null, List.of());
        }
        var t = item.entry().track();
        String name = t.outputName();
        OutputKeeper keeper = records.keeper();
        Path outFile = keeper.outDir().resolve(t.category()).resolve(name + config.settings().outputFormat().extension());
        String rel = keeper.relative(outFile);
        ProcessState state = ProcessState.read(config.stateDir(), name);
        List<String> removals = new ArrayList<>();
        List<String> why = new ArrayList<>(item.entry().problems());
        Optional<String> licence = config.settings().licenses().rejectionReason(t.license());
        licence.ifPresent(why::add);
        Path in = ProcessItems.input(config.rawDir(), item.entry());
        if (why.isEmpty()) {
            try {
                AudioDecoder.checkReadable(in);
            } catch (LofiException e) {
                why.add(e.getMessage());
            }
        }
        if (!why.isEmpty()) {
            wouldRemoveEarlier(state, keeper, null, removals);
            return new Planned(t.file(), name, REJECT, String.join("; ", why), null, removals);
        }
        String sha = OutputKeeper.sha256(in);
        if (records.resumable(state, sha, rel, configHash) != null) {
            return new Planned(t.file(), name, SKIP, null, outFile.toString(), List.of());
        }
        if (config.splitLong()) {
            AudioProbe.Info info = AudioProbe.probe(in);
            if (info.seconds() < 0 || info.seconds() > LongMixSplitter.MAX_PART_SECONDS || info.estimated()) {
                String len = info.seconds() < 0 ? "unknown length" : String.format(Locale.ROOT, "%.0f s%s", info.seconds(),
                        info.estimated() ? " (estimated)" : "");
                return new Planned(t.file(), name, SPLIT, len + ": cut into parts of at most "
                        + (int) LongMixSplitter.MAX_PART_SECONDS + " s named " + name + "_partNN (unless it decodes to "
                        + "no more than that)", keeper.outDir().resolve(t.category()).toString(), List.of());
            }
        }
        Path f = keeper.inside(rel);
        if (f != null && Files.exists(f, LinkOption.NOFOLLOW_LINKS) && !state.proves(rel, f)) {
            removals.add("would move " + f + " to " + keeper.outDir().resolve(OutputKeeper.KEPT_DIR).resolve(rel)
                    + " (in the way, and not written by lofi process)");
        }
        wouldRemoveEarlier(state, keeper, rel, removals);
        return new Planned(t.file(), name, PROCESS, null, outFile.toString(), removals);
    }

    private static void wouldRemoveEarlier(ProcessState state, OutputKeeper keeper, String keepRel, List<String> into)
            throws IOException {
        ProcessState.Output prev = state.forOut(keeper.outDir());
        if (prev == null || prev.output() == null || prev.output().equals(keepRel)) return;
        Path f = keeper.inside(prev.output());
        if (f == null || !Files.exists(f, LinkOption.NOFOLLOW_LINKS)) return;
        into.add(state.proves(prev.output(), f) ? "would remove " + f + " (an earlier output of this track)"
                : "would keep " + f + " (an earlier output of this track, but not provably lofi's)");
    }
}
