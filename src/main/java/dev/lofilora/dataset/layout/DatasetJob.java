package dev.lofilora.dataset.layout;

import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.FolderLock;
import dev.lofilora.common.Interruption;
import dev.lofilora.common.Json;
import dev.lofilora.common.StaleFiles;
import dev.lofilora.common.Writable;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.dataset.hf.AceStepRow;
import dev.lofilora.dataset.hf.HfDatasetWriter;
import dev.lofilora.dataset.prompts.StyleAssignment;
import dev.lofilora.dataset.prompts.StyleMappingFile;
import dev.lofilora.dataset.split.SplitItem;
import dev.lofilora.dataset.split.SplitPlan;
import dev.lofilora.dataset.split.StratifiedSplitter;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@code lofi dataset}: splits the processed tracks (style-stratified, seeded) and writes each side in ACE-Step's
 * converter layout ({@code <key>.<ext>}, {@code <key>_prompt.txt}, {@code <key>_lyrics.txt} side by side) plus an
 * HF {@code save_to_disk} folder ({@code hf_dataset/}) with the rows ACE-Step's converter would make from them, and
 * a {@code manifest.json}.
 *
 * <p>Contract: everything is validated before anything is written (every problem listed in one
 * {@link LofiException}); both folders are built as hidden siblings and renamed into place only when complete, so an
 * error leaves no partial dataset. An existing output folder is replaced only when it is empty or an earlier
 * dataset (has {@code manifest.json}). No audio is decoded: durations come from WAV headers; audio is hard-linked or
 * copied as bytes, so memory does not grow with the audio. Not thread-safe for one output folder.
 */
public final class DatasetJob {
    public static final String HF_DIR = "hf_dataset";
    /** The stratum of tracks without a style (no style_mapping.json entry, no sources.json "style"). */
    public static final String NO_STYLE = "unstyled";

    private final DatasetConfig config;
    private final ProgressListener progress;
    private List<String> sourceWarnings = List.of();

    public DatasetJob(DatasetConfig config, ProgressListener progress) {
        this.config = config;
        this.progress = progress == null ? ProgressListener.NONE : progress;
    }

    /** One validated track with everything needed to write it. */
    private record Item(ProcessedTrack track, String style, String promptText, String lyricsText, Double seconds) {}

    public DatasetResult run() throws IOException {
        checkOptions();
        Path out = config.outDir().toAbsolutePath().normalize();
        Path val = config.validationDir().toAbsolutePath().normalize();
        // Before any work: both folders' parents must be writable (the dataset is built beside them).
        Writable.require(out.getParent(), "--out");
        Writable.require(val.getParent(), "--validation");
        try (FolderLock lock = FolderLock.acquire(config.metadataDir(), "lofi dataset " + config.processedDir()
                + " --out " + config.outDir() + " --validation " + config.validationDir())) {
            List<String> cleaned = new ArrayList<>();
            for (Path p : StaleFiles.cleanSiblings(out)) cleaned.add(p.toString());
            for (Path p : StaleFiles.cleanSiblings(val)) cleaned.add(p.toString());
            return build(out, val, cleaned);
        }
    }

    private DatasetResult build(Path out, Path val, List<String> cleaned) throws IOException {
        List<Item> items = validateInput();
        SplitPlan plan = new StratifiedSplitter().split(items.stream().map(i ->
                new SplitItem(i.track().key(), i.style(), i.track().source().artist())).toList(),
                config.split(), config.seed(), config.groupByArtist());

        Set<String> valKeys = new HashSet<>(plan.validation());
        List<Item> trainItems = items.stream().filter(i -> !valKeys.contains(i.track().key())).toList();
        List<Item> valItems = items.stream().filter(i -> valKeys.contains(i.track().key())).toList();
        List<String> warnings = new ArrayList<>(sourceWarnings);
        warnings.addAll(plan.warnings());
        if (valItems.isEmpty()) {
            warnings.add("the validation split is empty: no style has 2 or more tracks (add tracks or styles)");
        }
        String small = SplitSizeWarning.check(items.stream().map(Item::style).toList(),
                valItems.stream().map(Item::style).toList(), config.split());
        if (small != null) warnings.add(small);
        DatasetManifest manifest = manifest(out, val, trainItems, valItems, warnings);

        Path stageOut = stagingSibling(out);
        Path stageVal = stagingSibling(val);
        Interruption.trackDir(stageOut);
        Interruption.trackDir(stageVal);
        boolean done = false;
        try (Interruption.Note note = Interruption.note(() -> "the dataset in " + out + " and " + val
                + " was not replaced (an interrupted build changes nothing)")) {
            progress.start("dataset", items.size());
            String placement = writeSide(stageOut, out, trainItems, config.repeat());
            String placementVal = writeSide(stageVal, val, valItems, 1);
            progress.finish();
            if (!placement.equals(placementVal)) placement = "mixed";
            manifest = withAudio(manifest, placement);
            Json.write(stageOut.resolve(DatasetManifest.FILE), manifest);
            Json.write(stageVal.resolve(DatasetManifest.FILE), manifest);
            swapIntoPlace(stageOut, out);
            swapIntoPlace(stageVal, val);
            done = true;
        } finally {
            if (!done) {
                deleteTree(stageOut);
                deleteTree(stageVal);
            }
            Interruption.untrackDir(stageOut);
            Interruption.untrackDir(stageVal);
        }
        return new DatasetResult(out, val, manifest, cleaned);
    }

    private void checkOptions() {
        if (!(config.split() > 0 && config.split() < 1)) {
            throw new LofiException("--split " + config.split() + " is outside (0, 1)", "give the validation fraction, e.g. 0.1");
        }
        if (config.repeat() < 1) throw new LofiException("--repeat " + config.repeat() + " is below 1", "give 1 or more");
        Path processed = config.processedDir().toAbsolutePath().normalize();
        Path out = config.outDir().toAbsolutePath().normalize();
        Path val = config.validationDir().toAbsolutePath().normalize();
        if (out.startsWith(val) || val.startsWith(out)) {
            throw new LofiException("--out " + out + " and --validation " + val + " overlap", "give two separate folders");
        }
        for (Path p : List.of(out, val)) {
            if (p.startsWith(processed) || processed.startsWith(p)) {
                throw new LofiException(p + " overlaps the processed folder " + processed,
                        "write the dataset outside the processed folder (e.g. data/final and data/validation)");
            }
            if (Files.exists(p) && !replaceable(p)) {
                throw new LofiException(p, "exists and is not an earlier dataset (no " + DatasetManifest.FILE + ")",
                        "choose another folder or remove it");
            }
        }
    }

    private static boolean replaceable(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        if (Files.isRegularFile(dir.resolve(DatasetManifest.FILE))) return true;
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads and checks every input; throws one LofiException listing all problems. */
    private List<Item> validateInput() {
        SourcesIndex sources = SourcesIndex.read(config.metadataDir().resolve("sources.json"));
        sourceWarnings = sources.warnings();
        List<ProcessedTrack> tracks = ProcessedFolder.scan(config.processedDir(), sources);
        Map<String, StyleAssignment> mapping = StyleMappingFile
                .readIfPresent(config.metadataDir().resolve(StyleMappingFile.NAME)).orElse(Map.of());
        Problems problems = new Problems();
        List<Item> items = new ArrayList<>();
        for (ProcessedTrack t : tracks) {
            String license = config.licenses().rejectionReason(t.source().license()).orElse(null);
            if (license != null) problems.add(t.audio(), license);
            String prompt = readText(t.promptFile(), problems);
            String lyrics = readText(t.lyricsFile(), problems);
            if (prompt != null && prompt.isBlank()) {
                problems.add(t.promptFile(), "is empty (ACE-Step would train on an empty caption); write its tags or rerun lofi prompts");
            }
            Double seconds = duration(t, problems);
            // The user's explicit choice first; the analysis guess of lofi prompts only where there is none.
            StyleAssignment a = mapping.get(t.key());
            String style = t.source().style() != null && !t.source().style().isBlank() ? t.source().style()
                    : a != null ? a.style() : NO_STYLE;
            if (prompt != null && lyrics != null) items.add(new Item(t, style, prompt, lyrics, seconds));
        }
        problems.throwIfAny("cannot build the dataset from " + config.processedDir(),
                "fix the files listed (lofi prompts writes the _prompt.txt and _lyrics.txt files) and run again");
        return items;
    }

    private static String readText(Path file, Problems problems) {
        if (!Files.isRegularFile(file)) {
            problems.add(file, "is missing; run lofi prompts (or write it by hand) before lofi dataset");
            return null;
        }
        try {
            // Strict UTF-8: the trainer reads these as UTF-8; a wrong encoding would silently garble the caption.
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            problems.add(file, "is not valid UTF-8; save it as UTF-8");
        } catch (IOException e) {
            problems.add(file, "cannot be read: " + e.getMessage());
        }
        return null;
    }

    /** Seconds from the WAV header; null for other formats (never decoded here). */
    private static Double duration(ProcessedTrack t, Problems problems) {
        if (!t.extension().equals("wav")) return null;
        try {
            WavFile.Info info = WavFile.info(t.audio());
            return info.frames() / (double) info.sampleRate();
        } catch (IOException | RuntimeException e) {
            problems.add(t.audio(), "is not a readable WAV file: " + e.getMessage() + "; rerun lofi process");
            return null;
        }
    }

    /** Writes one side into {@code stage}; rows point at {@code finalDir}. Returns how the audio was placed. */
    private String writeSide(Path stage, Path finalDir, List<Item> items, int repeat) throws IOException {
        Files.createDirectories(stage);
        List<AceStepRow> rows = new ArrayList<>();
        boolean linked = false;
        boolean copied = false;
        for (Item it : items) {
            ProcessedTrack t = it.track();
            String audioName = t.key() + "." + t.extension();
            if (place(t.audio(), stage.resolve(audioName))) linked = true; else copied = true;
            Files.copy(t.promptFile(), stage.resolve(t.key() + "_prompt.txt"));
            Files.copy(t.lyricsFile(), stage.resolve(t.key() + "_lyrics.txt"));
            rows.add(AceStepRow.fromFiles(t.key(), filename(finalDir.resolve(audioName)), it.promptText(), it.lyricsText()));
            progress.advance(1, t.key());
        }
        // Written even when empty (a schema-only shard), so every dataset folder has the same shape.
        new HfDatasetWriter(config.maxShardBytes()).write(stage.resolve(HF_DIR), rows, repeat);
        return linked && copied ? "mixed" : linked ? "hardlink" : "copy";
    }

    /** True when hard-linked, false when copied. */
    private boolean place(Path source, Path target) throws IOException {
        if (config.placement() == AudioPlacement.LINK) {
            try {
                Files.createLink(target, source);
                return true;
            } catch (UnsupportedOperationException | FileSystemException e) {
                // different file systems, or links not supported: fall back to a copy
            }
        }
        Files.copy(source, target);
        return false;
    }

    private String filename(Path audio) {
        if (config.relativeTo() == null) return audio.toString();
        return config.relativeTo().toAbsolutePath().normalize().relativize(audio).toString();
    }

    private DatasetManifest manifest(Path out, Path val, List<Item> train, List<Item> validation, List<String> warnings) {
        Map<String, Integer> licenses = new TreeMap<>();
        List<DatasetManifest.Track> tracks = new ArrayList<>();
        for (List<Item> side : List.of(train, validation)) {
            String name = side == train ? "train" : "validation";
            for (Item it : side) {
                var s = it.track().source();
                licenses.merge(s.license(), 1, Integer::sum);
                tracks.add(new DatasetManifest.Track(it.track().key(), name, it.style(), it.track().category(),
                        s.artist(), s.license(), it.seconds()));
            }
        }
        tracks.sort((a, b) -> a.key().compareTo(b.key()));
        return new DatasetManifest(DatasetManifest.FORMAT, config.seed(), config.split(), config.groupByArtist(),
                config.repeat(), config.relativeTo() == null ? "absolute" : "relative", null,
                side(out, train, config.repeat()), side(val, validation, 1), licenses, warnings, tracks);
    }

    private static DatasetManifest.Side side(Path dir, List<Item> items, int repeat) {
        Map<String, double[]> styles = new TreeMap<>(); // style → {tracks, seconds}
        double seconds = 0;
        int unknown = 0;
        for (Item it : items) {
            double[] c = styles.computeIfAbsent(it.style(), k -> new double[2]);
            c[0]++;
            if (it.seconds() == null) unknown++;
            else {
                c[1] += it.seconds();
                seconds += it.seconds();
            }
        }
        Map<String, DatasetManifest.StyleCount> counts = new TreeMap<>();
        styles.forEach((s, c) -> counts.put(s, new DatasetManifest.StyleCount((int) c[0], hours(c[1]))));
        return new DatasetManifest.Side(dir.toString(), items.size(), (long) items.size() * repeat, hours(seconds),
                unknown, counts);
    }

    /** Hours rounded to 1/10000 h (0.36 s), enough for a summary. */
    private static double hours(double seconds) { return Math.round(seconds / 3600 * 10000) / 10000.0; }

    private static DatasetManifest withAudio(DatasetManifest m, String audio) {
        return new DatasetManifest(m.format(), m.seed(), m.split(), m.groupByArtist(), m.repeat(), m.paths(), audio,
                m.train(), m.validation(), m.licenses(), m.warnings(), m.tracks());
    }

    /**
     * A hidden sibling named for this process ({@code .final.lofi-partial-<pid>-<random>}), so a later run can tell
     * the debris of a killed build ({@link StaleFiles}) from a build still running.
     */
    private static Path stagingSibling(Path dir) {
        return dir.resolveSibling("." + dir.getFileName() + ".lofi-partial-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Renames {@code stage} to {@code target}, replacing an earlier dataset there. */
    private static void swapIntoPlace(Path stage, Path target) throws IOException {
        if (Files.exists(target)) {
            Path old = target.resolveSibling("." + target.getFileName() + ".lofi-old-" + ProcessHandle.current().pid()
                    + "-" + UUID.randomUUID().toString().substring(0, 8));
            // Not registered for deletion: stopped between the two renames, the earlier dataset survives as `old`,
            // and the next run renames it back (StaleFiles.cleanSiblings).
            Files.move(target, old);
            Files.move(stage, target);
            deleteTree(old);
        } else {
            Files.createDirectories(target.getParent());
            Files.move(stage, target);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        StaleFiles.deleteTree(dir);
    }
}
