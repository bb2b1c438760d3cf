package dev.lofilora.dataset.prompts;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.analysis.TempoKey;
import dev.lofilora.audio.analysis.TempoKeyAnalyzer;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.common.AtomicFiles;
import dev.lofilora.common.FolderLock;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.common.StaleFiles;
import dev.lofilora.common.Writable;
import dev.lofilora.dataset.layout.ProcessedFolder;
import dev.lofilora.dataset.layout.ProcessedTrack;
import dev.lofilora.dataset.layout.Problems;
import dev.lofilora.dataset.layout.SourcesIndex;
import dev.lofilora.dataset.presets.StylePreset;
import dev.lofilora.dataset.presets.StylePresets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code lofi prompts}: gives every processed track a style, a caption and lyrics in ACE-Step's converter layout.
 *
 * <p>For each audio file of the processed folder (matched to its sources.json entry by output name): the style is
 * sources.json's {@code style}; a track without one gets the preset nearest to its analysed tempo and key, flagged
 * as a low-confidence guess. The caption ({@link PromptFormat}) goes to {@code <name>_prompt.txt}, the lyrics
 * (sources.json {@code lyrics}, else {@code [instrumental]}) to {@code <name>_lyrics.txt}, both beside the audio,
 * UTF-8 without a trailing newline (as ACE-Step's sample files). {@code style_mapping.json} and
 * {@code prompt_variants.json} go to the metadata folder.
 *
 * <p>Contract: every input is checked and every track analysed before anything is written; any problem throws one
 * {@link LofiException} listing all of them and leaves the files as they were. Each file is written atomically.
 * Analysis decodes one file per thread at a time and keeps only its {@link TempoKey}, so memory does not grow with
 * the number of tracks. The output is a function of the inputs and the seed.
 */
public final class PromptsJob {
    public static final String INSTRUMENTAL = "[instrumental]";
    public static final String VARIANTS_FILE = "prompt_variants.json";

    private final PromptsConfig config;
    private final StylePresets presets;
    private final ProgressListener progress;
    private final TempoKeyAnalyzer analyzer = new TempoKeyAnalyzer();

    public PromptsJob(PromptsConfig config, StylePresets presets, ProgressListener progress) {
        this.config = config;
        this.presets = presets;
        this.progress = progress == null ? ProgressListener.NONE : progress;
    }

    /** One track's outcome, computed before anything is written. */
    private record Captioned(ProcessedTrack track, StyleAssignment style, List<String> tags, String lyrics,
                             List<String> notes) {}

    public PromptsResult run() throws IOException {
        if (config.variants() < 0) throw new LofiException("--variants " + config.variants() + " is negative", "give 0 or more");
        SourcesIndex sources = SourcesIndex.read(config.metadataDir().resolve("sources.json"));
        if (Files.isDirectory(config.processedDir())) Writable.require(config.processedDir(), "<processed-dir>");
        Writable.require(config.metadataDir(), "--metadata");
        try (FolderLock lock = FolderLock.acquire(config.metadataDir(), "lofi prompts " + config.processedDir())) {
            List<String> cleaned = new ArrayList<>();
            for (Path p : StaleFiles.clean(config.processedDir(), 2)) cleaned.add(p.toString());
            for (Path p : StaleFiles.clean(config.metadataDir(), 1)) cleaned.add(p.toString());
            return run(sources, cleaned);
        }
    }

    private PromptsResult run(SourcesIndex sources, List<String> cleaned) throws IOException {
        List<String> warnings = new ArrayList<>(sources.warnings());
        List<ProcessedTrack> tracks = ProcessedFolder.scan(config.processedDir(), sources);
        Problems problems = new Problems();
        for (ProcessedTrack t : tracks) {
            String style = t.source().style();
            if (style != null && !style.isBlank() && presets.byId(style).isEmpty()) {
                problems.add(sources.file(), "track \"" + t.key() + "\": unknown style \"" + style + "\"");
            }
        }
        problems.throwIfAny("sources.json names styles that are not presets",
                "use ids of config/style_presets.json (lofi_hip_hop, chillhop, …) or leave \"style\" out to have it guessed");

        List<Captioned> captioned = caption(tracks, problems);
        problems.throwIfAny("cannot caption every track", "fix the files listed and run again (nothing was written)");

        Map<String, StyleAssignment> mapping = new TreeMap<>();
        Map<String, Object> variants = new TreeMap<>();
        Map<String, String> prompts = new TreeMap<>();
        Map<String, Integer> styles = new TreeMap<>();
        List<String> guessed = new ArrayList<>();
        for (Captioned c : captioned) {
            String key = c.track().key();
            warnings.addAll(c.notes());
            String prompt = PromptFormat.join(c.tags());
            AtomicFiles.writeString(c.track().promptFile(), prompt);
            AtomicFiles.writeString(c.track().lyricsFile(), c.lyrics());
            mapping.put(key, c.style());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("prompt", prompt);
            entry.put("variants", PromptVariants.variants(c.tags(), key, config.seed(), config.variants()));
            variants.put(key, entry);
            prompts.put(key, prompt);
            styles.merge(c.style().style(), 1, Integer::sum);
            if (c.style().lowConfidence()) guessed.add(key);
        }
        var mappingFile = config.metadataDir().resolve(StyleMappingFile.NAME);
        var variantsFile = config.metadataDir().resolve(VARIANTS_FILE);
        StyleMappingFile.write(mappingFile, mapping);
        Map<String, Object> variantsDoc = new LinkedHashMap<>();
        variantsDoc.put("seed", config.seed());
        variantsDoc.put("variants_per_track", config.variants());
        variantsDoc.put("tracks", variants);
        Json.write(variantsFile, variantsDoc);
        return new PromptsResult(captioned.size(), captioned.size() - guessed.size(), guessed.size(),
                List.copyOf(guessed), styles, prompts, mappingFile, variantsFile, warnings, cleaned);
    }

    /** Analyses (in parallel, one decoded file per thread) and captions every track; problems are collected. */
    private List<Captioned> caption(List<ProcessedTrack> tracks, Problems problems) throws IOException {
        progress.start("prompts", tracks.size());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(config.threads(), Math.max(1, tracks.size())));
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (ProcessedTrack t : tracks) {
                futures.add(pool.submit(() -> {
                    try {
                        return captionOne(t);
                    } finally {
                        progress.advance(1, t.key());
                    }
                }));
            }
            List<Captioned> out = new ArrayList<>();
            for (int i = 0; i < tracks.size(); i++) {
                Object r = futures.get(i).get();
                if (r instanceof Captioned c) out.add(c);
                else problems.add(tracks.get(i).audio(), (String) r);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while analysing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
            progress.finish();
        }
    }

    /** The captioned track, or a problem message. */
    private Object captionOne(ProcessedTrack t) {
        String styleId = t.source().style();
        boolean hasStyle = styleId != null && !styleId.isBlank();
        TempoKey analysis = null;
        if (config.analyse() || !hasStyle) {
            AudioBuffer audio;
            try {
                audio = AudioDecoder.decode(t.audio());
            } catch (IOException | RuntimeException e) {
                return "cannot be decoded: " + e.getMessage() + " (rerun lofi process)";
            }
            if (audio.seconds() >= 2) analysis = analyzer.analyze(audio);
            else if (!hasStyle) {
                return "is too short (" + String.format("%.1f", audio.seconds())
                        + " s) to analyse tempo and key; set \"style\" for it in sources.json";
            }
            // audio goes out of scope here: only the TempoKey is kept
            if (!hasStyle && !Double.isFinite(analysis.bpm())) {
                return "has no measurable beat, so its style cannot be guessed; set \"style\" for it in sources.json";
            }
        }
        StylePreset preset;
        StyleAssignment assignment;
        Double bpm = null;
        String key = null;
        if (analysis != null) {
            key = analysis.keyName();
        }
        List<String> notes = new ArrayList<>();
        if (hasStyle) {
            preset = presets.require(styleId);
            if (analysis != null && Double.isFinite(analysis.bpm())) bpm = PromptFormat.foldIntoRange(preset, analysis.bpm());
            assignment = new StyleAssignment(preset.id(), StyleAssignment.FROM_SOURCES, 1.0, false, round(bpm),
                    analysis == null ? null : analysis.bpmConfidence(), key,
                    analysis == null ? null : analysis.keyConfidence());
        } else {
            StylePresets.Match match = presets.nearest(analysis);
            preset = match.preset();
            if (Double.isFinite(analysis.bpm())) bpm = PromptFormat.foldIntoRange(preset, analysis.bpm());
            assignment = new StyleAssignment(preset.id(), StyleAssignment.FROM_ANALYSIS, match.score(), true,
                    round(bpm), analysis.bpmConfidence(), key, analysis.keyConfidence());
        }
        String lyricsSource = t.source().lyrics();
        boolean hasLyrics = lyricsSource != null && !lyricsSource.isBlank();
        String lyrics = hasLyrics ? lyricsSource.strip() : INSTRUMENTAL;
        // Only what the analyser is sure of goes into the caption, and never a tempo that contradicts the style's word.
        Double promptBpm = bpm;
        String promptKey = key;
        if (bpm != null && analysis.bpmConfidence() < PromptFormat.MIN_BPM_CONFIDENCE) {
            notes.add(t.key() + ": tempo " + Math.round(bpm) + " bpm left out of the prompt (confidence "
                    + String.format(java.util.Locale.ROOT, "%.2f", analysis.bpmConfidence()) + " < "
                    + PromptFormat.MIN_BPM_CONFIDENCE + ")");
            promptBpm = null;
        } else if (bpm != null && !PromptFormat.consistentTempo(preset, bpm)) {
            notes.add(t.key() + ": tempo " + Math.round(bpm) + " bpm left out of the prompt (it contradicts the style's \""
                    + PromptFormat.presetTempoWord(preset) + "\"; the style says " + Math.round(preset.tempoMin()) + "-"
                    + Math.round(preset.tempoMax()) + " bpm)");
            promptBpm = null;
        }
        if (key != null && analysis.keyConfidence() < PromptFormat.MIN_KEY_CONFIDENCE) {
            notes.add(t.key() + ": key " + key + " left out of the prompt (confidence "
                    + String.format(java.util.Locale.ROOT, "%.2f", analysis.keyConfidence()) + " < "
                    + PromptFormat.MIN_KEY_CONFIDENCE + ")");
            promptKey = null;
        }
        return new Captioned(t, assignment, PromptFormat.tags(preset, promptBpm, promptKey, hasLyrics), lyrics, notes);
    }

    private static Double round(Double bpm) { return bpm == null ? null : Math.round(bpm * 10) / 10.0; }
}
