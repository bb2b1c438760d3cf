package dev.lofilora.metrics.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.infer.GenerationItem;
import dev.lofilora.infer.SamplingSettings;
import dev.lofilora.metrics.WeightsFingerprint;
import dev.lofilora.metrics.clap.ClapEmbedder;
import dev.lofilora.metrics.fad.EmbeddingStats;
import dev.lofilora.metrics.fad.FrechetDistance;
import dev.lofilora.metrics.vggish.VggishEmbedder;
import dev.lofilora.tensor.Devices;
import org.bytedeco.pytorch.Device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code lofi validate}: scores folders of generated audio, one per checkpoint, against the held-out real tracks —
 * VGGish FAD against the reference set, CLAP score against each clip's own prompt — and against the gates of
 * {@code config/validation.json}; scores the real tracks with the same pipeline (their own CLAP score is the base of
 * the relative gate); picks the best checkpoint; writes {@code validation_report.json}, {@code validation_report.html}
 * and its plots into the output folder. With {@link ValidateConfig#run()} the folders are made first: the seeded
 * validation prompt set ({@link PromptSet}) rendered with each chosen checkpoint of a training run as the LoRA
 * ({@link RunGeneration}, {@link RunCheckpoints}), then scored exactly as given folders are.
 *
 * <p>All inputs are checked (folders, prompt pairing, reference size, weights; the run, its checkpoints and the
 * sampling settings) before anything is generated, computed or written. Resumable: each file's embeddings are cached ({@code cache/}) and each scored checkpoint is kept in
 * {@code checkpoints/<label>.json} with a key of everything it depends on, so a re-run recomputes only what changed.
 * The reports are written last, atomically.
 *
 * <p>Best checkpoint: the lowest FAD among those that pass the CLAP gate, or the lowest FAD overall when none does.
 */
public final class ValidateJob {
    public static final String REPORT_JSON = "validation_report.json";
    public static final String REPORT_HTML = "validation_report.html";

    private ValidateJob() {}

    public static ValidateResult run(ValidateConfig config, ProgressListener progress) {
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        ValidationSettings settings = ValidationSettings.load(config.config()).withSeconds(config.seconds());
        ValidateConfig.RunSource runSource = config.run();
        if (runSource != null && !config.checkpoints().isEmpty()) {
            throw new LofiException("both a run and folders of generated audio were given",
                    "either generate from a run (--run) or score folders, not both");
        }
        if (runSource == null && config.checkpoints().isEmpty()) {
            throw new LofiException("no folders of generated audio to score", "give one folder per checkpoint");
        }
        // 1. Inputs, all of them, before any work.
        RunCheckpoints run = null;
        GenerationSettings gen = null;
        SamplingSettings sampling = null;
        if (runSource != null) {
            run = RunCheckpoints.read(runSource.dir(), runSource.checkpoints(), runSource.model());
            gen = GenerationSettings.load(config.config()).with(runSource.clipsPerStyle(), runSource.steps());
            sampling = gen.sampling();
            if (settings.seconds() < GenerationItem.MIN_SECONDS || settings.seconds() > GenerationItem.MAX_SECONDS) {
                throw new LofiException("clips of " + settings.seconds() + " s cannot be generated",
                        "give --seconds between 1 and 240 (ACE-Step's range)");
            }
        }
        List<Clip> reference = ClipFolders.reference(config.reference());
        if (reference.size() < settings.minReferenceTracks()) {
            throw new LofiException(config.reference(), "holds " + reference.size() + " reference track(s); "
                    + settings.minReferenceTracks() + " are needed (min_reference_tracks)", "score against a validation "
                    + "split with more tracks (lofi dataset --split), or lower min_reference_tracks in validation.json");
        }
        Map<CheckpointAudio, List<Clip>> generated = new LinkedHashMap<>();
        for (CheckpointAudio c : config.checkpoints()) {
            if (generated.keySet().stream().anyMatch(o -> o.label().equals(c.label()))) {
                throw new LofiException(c.dir(), "has the same folder name as another checkpoint folder (\"" + c.label()
                        + "\")", "name each checkpoint's folder differently");
            }
            generated.put(c, ClipFolders.generated(c.dir()));
        }
        Device device = Devices.parse(config.device());
        Path clapTokenizer = config.clapTokenizer();
        if (clapTokenizer == null && !WeightsFingerprint.isTiny(config.clap())) {
            Path beside = Path.of(config.clap()).toAbsolutePath().getParent().resolve("tokenizer.json");
            clapTokenizer = beside;
        }
        try (VggishEmbedder vggish = VggishEmbedder.open(config.vggish(), config.config(), device);
             ClapEmbedder clap = ClapEmbedder.open(config.clap(), clapTokenizer, config.config(), device,
                     settings.quantize(), settings.clapHopSeconds())) {
            ValidateResult.RunGenerated made = null;
            if (run != null) {
                // 1b. The clips of every chosen checkpoint (weights checked above, so a bad one stops before this).
                PromptSet prompts = PromptSet.fromReference(reference, gen.clipsPerStyle(), gen.promptSeed());
                List<ValidateResult.Generation> g = RunGeneration.run(run, prompts, gen, sampling, settings.seconds(),
                        config.device(), config.reference(), config.outDir(), config.config(), p);
                for (ValidateResult.Generation x : g) {
                    Path dir = Path.of(x.dir());
                    generated.put(new CheckpointAudio(x.label(), x.step(), dir), ClipFolders.generated(dir));
                }
                made = new ValidateResult.RunGenerated(run.run().toString(), run.model(), settings.seconds(), gen, g);
            }
            return score(config, settings, reference, generated, vggish, clap, made, p);
        }
    }

    private static ValidateResult score(ValidateConfig config, ValidationSettings settings, List<Clip> referenceClips,
                                        Map<CheckpointAudio, List<Clip>> generated, VggishEmbedder vggish,
                                        ClapEmbedder clap, ValidateResult.RunGenerated run, ProgressListener p) {
        Path out = config.outDir();
        EmbeddingCache cache = new EmbeddingCache(out.resolve("cache"), vggish, clap);
        List<String> warnings = new ArrayList<>();

        // 2. Prompts: each distinct prompt embedded once.
        LinkedHashSet<String> prompts = new LinkedHashSet<>();
        referenceClips.forEach(c -> prompts.add(c.prompt()));
        generated.values().forEach(l -> l.forEach(c -> prompts.add(c.prompt())));
        List<String> promptList = new ArrayList<>(prompts);
        float[][] textEmb = clap.embedText(promptList);
        Map<String, float[]> text = new LinkedHashMap<>();
        for (int i = 0; i < promptList.size(); i++) text.put(promptList.get(i), textEmb[i]);

        // 3. The reference, under the same pipeline (statistics cached by files, embedders and clip length).
        String refKey = referenceKey(referenceClips, settings, vggish, clap);
        Path refFile = ReferenceCache.file(out.resolve("cache"), refKey);
        ReferenceCache.Entry refEntry = ReferenceCache.read(refFile);
        if (refEntry == null) {
            refEntry = embedReference(config, referenceClips, settings, cache, text, vggish.dim(), p);
            ReferenceCache.write(refFile, refEntry, vggish.describe(), clap.describe());
        }
        EmbeddingStats refStats = refEntry.stats();
        ValidateResult.Reference reference = refEntry.reference();
        if (reference.frames() <= vggish.dim()) {
            warnings.add("the reference set has " + reference.frames() + " VGGish frames for dimension " + vggish.dim()
                    + ": its covariance is singular and FAD is biased; use more or longer reference tracks");
        }
        if (!(reference.clapScore() > 0)) {
            warnings.add(String.format("the real tracks' own CLAP score is %.3f ≤ 0: the relative CLAP gate cannot pass",
                    reference.clapScore()));
        }
        double threshold = settings.clapGate().equals("relative") ? settings.clapRelativeMin() * reference.clapScore()
                : settings.clapAbsoluteMin();
        ValidateResult.Gates gates = new ValidateResult.Gates(settings.fadMax(), settings.clapGate(),
                settings.clapRelativeMin(), settings.clapAbsoluteMin(), threshold,
                settings.clapGateText(reference.clapScore()));

        // 4. Each checkpoint (resumed when nothing it depends on changed).
        List<ValidateResult.CheckpointResult> results = new ArrayList<>();
        for (Map.Entry<CheckpointAudio, List<Clip>> e : generated.entrySet()) {
            CheckpointAudio ck = e.getKey();
            String key = checkpointKey(ck, e.getValue(), settings, vggish, clap, refKey);
            Path state = out.resolve("checkpoints").resolve(ck.label() + ".json");
            ValidateResult.CheckpointResult done = readState(state, key);
            if (done != null) {
                results.add(done.asResumed());
                continue;
            }
            p.start("checkpoint " + ck.label(), e.getValue().size());
            List<ClipEmbeddings> emb = new ArrayList<>();
            for (Clip c : e.getValue()) {
                emb.add(cache.embed(c, settings.seconds(), false));
                p.advance(1, c.audio().getFileName().toString());
            }
            p.finish();
            ValidateResult.CheckpointResult r = checkpoint(ck, Scoring.score(emb, text), refStats,
                    reference.clapScore(), settings);
            writeState(state, key, r);
            results.add(r);
        }

        // 5. Best checkpoint, reports.
        String best = best(results);
        boolean passed = results.stream().filter(r -> r.label().equals(best)).allMatch(ValidateResult.CheckpointResult::passed);
        Path json = out.resolve(REPORT_JSON), html = out.resolve(REPORT_HTML);
        ValidateResult result = new ValidateResult(reference, new ValidateResult.Pipeline(vggish.describe(),
                clap.describe(), settings.seconds(), config.device()), gates, results, best, passed,
                json.toString(), html.toString(), warnings, run);
        try {
            ValidationReport.write(result, settings, out);
            Json.write(json, result);
        } catch (IOException ex) {
            throw new LofiException(out, "cannot write the report: " + ex.getMessage(), "check the folder is writable", ex);
        }
        return result;
    }

    /** Embeds the reference tracks (every whole segment) and scores them against their own prompts. */
    private static ReferenceCache.Entry embedReference(ValidateConfig config, List<Clip> clips,
                                                       ValidationSettings settings, EmbeddingCache cache,
                                                       Map<String, float[]> text, int dim, ProgressListener p) {
        p.start("reference tracks", clips.size());
        List<ClipEmbeddings> emb = new ArrayList<>();
        for (Clip c : clips) {
            emb.add(cache.embed(c, settings.seconds(), true));
            p.advance(1, c.audio().getFileName().toString());
        }
        p.finish();
        Scoring.SetScores ref = Scoring.score(emb, text);
        if (ref.stats() == null) {
            throw new LofiException(config.reference(), "gives " + ref.frames() + " VGGish frame(s); FAD needs at least 2",
                    "use longer reference tracks (each 0.96 s gives one frame)");
        }
        Map<String, Integer> styles = new TreeMap<>();
        clips.forEach(c -> styles.merge(c.style().isEmpty() ? "unlabelled" : c.style(), 1, Integer::sum));
        return new ReferenceCache.Entry(ref.stats(), new ValidateResult.Reference(config.reference().toString(),
                clips.size(), ref.segments(), ref.segmentSeconds(), ref.frames(), ref.clap(), ref.clapStd(), styles));
    }

    private static String referenceKey(List<Clip> clips, ValidationSettings settings, VggishEmbedder vggish,
                                       ClapEmbedder clap) {
        StringBuilder sb = new StringBuilder("seconds=").append(settings.seconds()).append(vggish.fingerprint())
                .append(clap.fingerprint());
        for (Clip c : clips) {
            try {
                sb.append(c).append(Files.size(c.audio())).append(Files.getLastModifiedTime(c.audio()).toMillis());
            } catch (IOException e) {
                throw new LofiException(c.audio(), "cannot be read: " + e.getMessage(), "check the file", e);
            }
        }
        return WeightsFingerprint.ofText(sb.toString());
    }

    private static ValidateResult.CheckpointResult checkpoint(CheckpointAudio ck, Scoring.SetScores s,
                                                              EmbeddingStats refStats, double refClap,
                                                              ValidationSettings settings) {
        List<String> warnings = new ArrayList<>();
        double fad;
        if (s.stats() == null) {
            fad = Double.NaN;
            warnings.add("only " + s.frames() + " VGGish frame(s): no FAD (clips shorter than 0.96 s?)");
        } else {
            FrechetDistance.Result f = Scoring.fad(s, refStats);
            fad = f.value();
            warnings.addAll(f.warnings());
        }
        if (s.segmentSeconds() + 1e-6 < settings.seconds()) {
            warnings.add(String.format("clips are %.2f s, shorter than the %.1f s scored", s.segmentSeconds(), settings.seconds()));
        }
        Map<String, Double> perClip = s.stats() == null ? Map.of() : Scoring.perClipFad(s, refStats);
        List<ValidateResult.ClipScore> clips = new ArrayList<>();
        for (ClipEmbeddings c : s.clips()) {
            clips.add(new ValidateResult.ClipScore(c.clip().id(), c.clip().style(), c.clip().prompt(),
                    c.clip().audio().toAbsolutePath().toString(), c.segmentSeconds(), s.clapByClip().get(c.clip().id()),
                    perClip.get(c.clip().id())));
        }
        List<String> outliers = clips.stream().filter(c -> c.fad() != null)
                .sorted((a, b) -> Double.compare(b.fad(), a.fad())).limit(settings.outliers())
                .map(ValidateResult.ClipScore::id).toList();
        Double relative = refClap > 0 ? s.clap() / refClap : null;
        boolean fadPass = fad < settings.fadMax();
        boolean clapPass = settings.clapGate().equals("relative") ? relative != null && relative >= settings.clapRelativeMin()
                : s.clap() >= settings.clapAbsoluteMin();
        return new ValidateResult.CheckpointResult(ck.label(), ck.step(), ck.dir().toString(), s.clips().size(),
                s.segments(), s.segmentSeconds(), s.frames(), fad,
                s.stats() == null ? null : Scoring.fadInf(s, refStats, settings.fadInfSeed()), s.clap(), s.clapStd(),
                relative, fadPass, clapPass, fadPass && clapPass,
                s.stats() == null ? List.of() : Scoring.styles(s, refStats), clips, outliers, warnings, false);
    }

    /** The lowest FAD among checkpoints passing the CLAP gate, else the lowest FAD; NaN FADs last. */
    static String best(List<ValidateResult.CheckpointResult> results) {
        List<ValidateResult.CheckpointResult> pool = results.stream().filter(ValidateResult.CheckpointResult::clapPass).toList();
        if (pool.isEmpty()) pool = results;
        return pool.stream().min((a, b) -> Double.compare(nanLast(a.fad()), nanLast(b.fad()))).orElseThrow().label();
    }

    private static double nanLast(double v) {
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    private static String checkpointKey(CheckpointAudio ck, List<Clip> clips, ValidationSettings settings,
                                        VggishEmbedder vggish, ClapEmbedder clap, String refKey) {
        StringBuilder sb = new StringBuilder(settings.toString()).append(vggish.fingerprint()).append(clap.fingerprint())
                .append(refKey).append(ck);
        for (Clip c : clips) {
            try {
                sb.append(c).append(Files.size(c.audio())).append(Files.getLastModifiedTime(c.audio()).toMillis());
            } catch (IOException e) {
                throw new LofiException(c.audio(), "cannot be read: " + e.getMessage(), "check the file", e);
            }
        }
        return WeightsFingerprint.ofText(sb.toString());
    }

    private static ValidateResult.CheckpointResult readState(Path state, String key) {
        if (!Files.isRegularFile(state)) return null;
        try {
            JsonNode n = Json.readTree(state);
            if (!key.equals(n.path("key").asText())) return null;
            return Json.MAPPER.treeToValue(n.get("result"), ValidateResult.CheckpointResult.class);
        } catch (RuntimeException | IOException e) {
            return null; // unreadable state: score again
        }
    }

    private static void writeState(Path state, String key, ValidateResult.CheckpointResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("result", r);
        try {
            Json.write(state, m);
        } catch (IOException e) {
            throw new LofiException(state, "cannot be written: " + e.getMessage(), "check the folder is writable", e);
        }
    }
}
