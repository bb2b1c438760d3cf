package dev.lofilora.dataset.curate;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.Parallel;
import dev.lofilora.audio.analysis.CutPlanner;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.AudioProbe;
import dev.lofilora.audio.io.DecodedAudio;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.AtomicFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code process --split-long}: a track longer than {@value #MAX_PART_SECONDS} s (ACE-Step trains on random crops of
 * at most that length, so the rest of a long file is never seen) is cut into parts of at most that length, at the
 * silent gaps between a mix's tracks or, failing that, on beats ({@link CutPlanner}). Each part is processed like a
 * track of its own (quality checks, loudness normalisation, true-peak limit), named {@code <name>_partNN}, and
 * inherits the entry's licence, category and style (the later stages find a part's entry through its parent's
 * name). The report lists every part with its parent and cut points ({@link Segment}).
 *
 * <p>The mix is decoded once (up to {@value #MAX_MIX_SECONDS} s; memory about 0.35 GB per hour of 44.1 kHz stereo);
 * each part goes through a temporary float WAV in the metadata folder, so the per-file pipeline is the same as for
 * any other track. A rerun with the same input and config keeps every part without decoding the mix; parts of an
 * earlier split that are no longer produced are removed (when proven this tool's, see {@link OutputKeeper}).
 */
final class LongMixSplitter {
    /** Longest part: ACE-Step's training crop. */
    static final double MAX_PART_SECONDS = 240;
    /** Shortest part the planner leaves (well above the 5 s minimum of the quality checks). */
    static final double MIN_PART_SECONDS = 20;
    /** Longest mix decoded (three hours). */
    static final double MAX_MIX_SECONDS = 3 * 3600;

    private final TrackProcessor processor;
    private final TrackRecords records;
    private final Set<String> entryNames;
    private final String extension;

    LongMixSplitter(TrackProcessor processor, TrackRecords records, Set<String> entryNames, String extension) {
        this.processor = processor;
        this.records = records;
        this.entryNames = entryNames;
        this.extension = extension;
    }

    /**
     * The reports of the parts of {@code in}, or null when it is not longer than {@value #MAX_PART_SECONDS} s (the
     * caller processes it whole). {@code parent} holds the entry's facts and the input's sha256.
     */
    List<FileReport> split(Path in, TrackProcessor.Work parent, ProcessState parentState, String configHash,
                           Parallel parallel)
            throws IOException {
        AudioProbe.Info info = AudioProbe.probe(in);
        if (info.seconds() > 0 && info.seconds() <= MAX_PART_SECONDS && !info.estimated()) return null;
        String splitHash = hash(configHash, "split-long " + MAX_PART_SECONDS + " " + MIN_PART_SECONDS + " "
                + CutPlanner.VERSION);
        ProcessState.Output prev = parentState.forOut(records.keeper().outDir());
        if (prev != null && prev.parts() != null && parent.sha256.equals(prev.inputSha256())
                && splitHash.equals(prev.configHash())) {
            List<FileReport> kept = resumeAll(prev.parts(), parent, splitHash);
            if (kept != null) return kept;
        }

        DecodedAudio d;
        try {
            d = AudioDecoder.read(in, MAX_MIX_SECONDS);
        } catch (AudioDecoder.TooLongException e) {
            parent.reject(String.format(Locale.ROOT, "is longer than the %.0f s that --split-long decodes (%.0f s); cut it "
                    + "into shorter files first", MAX_MIX_SECONDS, e.seconds()));
            return List.of(records.finish(parent, parentState, splitHash, null, List.of()));
        }
        if (d.decodedSeconds() <= MAX_PART_SECONDS) return null;
        List<CutPlanner.Part> plan = new CutPlanner(MAX_PART_SECONDS, MIN_PART_SECONDS).plan(d.audio());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) names.add(partName(parent.name, i + 1, plan.size()));
        for (String n : names) {
            if (entryNames.contains(n.toLowerCase(Locale.ROOT))) {
                parent.reject("cannot be split: its part name '" + n + "' is the output name of another sources.json "
                        + "entry; give this entry or that one a distinct \"name\"");
                return List.of(records.finish(parent, parentState, splitHash, null, List.of()));
            }
        }

        List<FileReport> reports = new ArrayList<>();
        int rate = d.audio().sampleRate();
        for (int i = 0; i < plan.size(); i++) {
            CutPlanner.Part p = plan.get(i);
            Segment seg = new Segment(parent.name, i + 1, plan.size(), p.startFrame() / (double) rate,
                    p.endFrame() / (double) rate, p.cutBefore(), p.cutAfter());
            String partHash = hash(splitHash, p.startFrame() + "-" + p.endFrame());
            reports.add(processPart(d, p, seg, names.get(i), parent, partHash, parallel).withSegment(seg));
        }
        // What an earlier run wrote for this track that this split no longer produces.
        List<Removal> stale = new ArrayList<>();
        if (prev != null && prev.output() != null) {
            Removal r = records.keeper().removeIfOurs(parentState, prev.output(), "the track is now cut into "
                    + plan.size() + " parts");
            if (r != null) stale.add(r);
        }
        if (prev != null && prev.parts() != null) {
            for (String old : prev.parts()) {
                if (!names.contains(old)) stale.addAll(records.removePart(old, "an earlier --split-long made this part"));
            }
        }
        if (!stale.isEmpty()) reports.set(0, reports.get(0).withRemovals(stale));
        records.record(parentState, new ProcessState.Output(ProcessState.key(records.keeper().outDir()), null, null,
                null, parent.sha256, splitHash, List.copyOf(names), null));
        return reports;
    }

    /** {@code <name>_part01} … ({@code _part001} when there are 100 or more). */
    static String partName(String name, int index, int parts) {
        return String.format(Locale.ROOT, parts >= 100 ? "%s_part%03d" : "%s_part%02d", name, index);
    }

    private FileReport processPart(DecodedAudio d, CutPlanner.Part p, Segment seg, String name,
                                   TrackProcessor.Work parent, String partHash, Parallel parallel) throws IOException {
        TrackProcessor.Work w = new TrackProcessor.Work();
        w.file = parent.file;
        w.input = parent.input;
        w.name = name;
        w.category = parent.category;
        w.license = parent.license;
        w.sha256 = parent.sha256;
        w.bytes = parent.bytes;
        ProcessState state = ProcessState.read(records.stateDir(), name);
        OutputKeeper keeper = records.keeper();
        Path out = keeper.outDir().resolve(parent.category).resolve(name + extension);
        String rel = keeper.relative(out);
        FileReport resumed = records.resume(state, w, rel, partHash);
        if (resumed != null) return resumed;
        List<Removal> removals = new ArrayList<>();
        Path tmp = AtomicFiles.newTempFile(records.stateDir().resolve(name + ".wav"));
        try {
            // (no O_TRUNC on the new, empty file: see AtomicFiles.write)
            try (OutputStream o = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
                WavFile.write(o, slice(d.audio(), p.startFrame(), p.endFrame()), 32);
            }
            Removal moved = keeper.clearWay(state, rel);
            if (moved != null) removals.add(moved);
            processor.process(tmp, out, w, parallel);
            w.format = d.format(); // the part comes from the mix, not from the temporary file
            for (String warning : d.warnings()) w.warn("decoder (whole mix): " + warning);
        } catch (dev.lofilora.common.LofiException e) {
            w.fail(e.getMessage());
        } finally {
            AtomicFiles.discard(tmp);
        }
        return records.finish(w, state, partHash, rel, removals);
    }

    /** Every part kept from the earlier run, or null when one must be redone (then the mix is decoded again). */
    private List<FileReport> resumeAll(List<String> parts, TrackProcessor.Work parent, String splitHash)
            throws IOException {
        List<FileReport> out = new ArrayList<>();
        for (String name : parts) {
            ProcessState state = ProcessState.read(records.stateDir(), name);
            ProcessState.Output o = state.forOut(records.keeper().outDir());
            if (o == null || o.report() == null || o.report().segment() == null) return null;
            Segment seg = o.report().segment();
            int rate = o.report().format() == null ? 0 : o.report().format().sampleRate();
            String partHash = hash(splitHash, Math.round(seg.startSeconds() * rate) + "-" + Math.round(seg.endSeconds() * rate));
            TrackProcessor.Work w = new TrackProcessor.Work();
            w.file = parent.file;
            w.input = parent.input;
            w.license = parent.license;
            w.sha256 = parent.sha256;
            Path file = records.keeper().outDir().resolve(parent.category).resolve(name + extension);
            FileReport r = records.resume(state, w, records.keeper().relative(file), partHash);
            if (r == null) return null;
            out.add(r);
        }
        return out;
    }

    private static AudioBuffer slice(AudioBuffer a, int from, int to) {
        float[][] s = new float[a.channels()][];
        for (int c = 0; c < s.length; c++) s[c] = Arrays.copyOfRange(a.samples()[c], from, to);
        return new AudioBuffer(s, a.sampleRate());
    }

    private static String hash(String base, String more) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((base + "\n" + more).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
