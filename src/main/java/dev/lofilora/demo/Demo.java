package dev.lofilora.demo;

import dev.lofilora.infer.ErgSwitches;
import dev.lofilora.infer.GenerateConfig;
import dev.lofilora.infer.GenerateJob;
import dev.lofilora.infer.GenerateResult;
import dev.lofilora.infer.GenerationItem;
import dev.lofilora.infer.InferenceLora;
import dev.lofilora.infer.SamplingSettings;
import dev.lofilora.infer.Text2MusicPipeline;
import dev.lofilora.infer.guidance.GuidanceSettings;
import dev.lofilora.infer.sampler.SchedulerType;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.audio.synth.LofiSynth;
import dev.lofilora.audio.synth.SynthClip;
import dev.lofilora.common.Json;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.dataset.curate.ProcessConfig;
import dev.lofilora.dataset.curate.ProcessJob;
import dev.lofilora.dataset.curate.ProcessResult;
import dev.lofilora.dataset.layout.DatasetConfig;
import dev.lofilora.dataset.layout.DatasetJob;
import dev.lofilora.dataset.layout.DatasetResult;
import dev.lofilora.dataset.curate.ProcessSettings;
import dev.lofilora.dataset.sources.LicensePolicy;
import dev.lofilora.dataset.presets.PresetSynth;
import dev.lofilora.dataset.presets.StylePreset;
import dev.lofilora.dataset.presets.StylePresets;
import dev.lofilora.dataset.prompts.PromptsConfig;
import dev.lofilora.dataset.prompts.PromptsJob;
import dev.lofilora.dataset.prompts.PromptsResult;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.preprocess.PreprocessConfig;
import dev.lofilora.preprocess.PreprocessJob;
import dev.lofilora.preprocess.PreprocessResult;
import dev.lofilora.train.TrainConfig;
import dev.lofilora.train.TrainJob;
import dev.lofilora.train.TrainResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code lofi demo}: the pipeline on the embedded default. Synthesises lofi clips of several style presets (own
 * work, so licensed for training), writes their sources.json, then runs {@code process}, {@code prompts},
 * {@code dataset}, {@code preprocess --model tiny} and a short {@code train --model tiny} on them exactly as a user's
 * tracks would go, and ends with a short clip from {@code generate --model tiny} with the adapter it trained. Deterministic for a seed; re-running resumes (the
 * clips are only rendered when missing, {@code process} skips unchanged files).
 */
public final class Demo {
    /** The generated clip's length and step count (short: the demo runs on a CPU in minutes). */
    static final double GENERATED_SECONDS = 2.0;
    static final int GENERATED_STEPS = 8;
    /** Optimiser steps of the demo's training run (a checkpoint at half and at the end). */
    static final int TRAIN_STEPS = 20;

    private final DemoConfig config;

    public Demo(DemoConfig config) { this.config = config; }

    public DemoResult run(ProgressListener progress) throws IOException {
        List<DemoResult.Clip> clips = synthesise(progress);

        ProcessResult processed = new ProcessJob(ProcessConfig.of(config.rawDir(), config.processedDir(),
                config.metadataDir(), config.metadataDir().resolve("sources.json"), config.config())).run(progress);

        StylePresets presets = StylePresets.load(config.config());
        int threads = config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
        PromptsResult prompts = new PromptsJob(PromptsConfig.of(config.processedDir(), config.metadataDir())
                .withSeed(config.seed()).withThreads(threads), presets, progress).run();

        DatasetResult dataset = new DatasetJob(DatasetConfig.of(config.processedDir(), config.metadataDir(),
                config.finalDir(), config.validationDir())
                .withSplit(0.1, config.seed())
                .withLicenses(ProcessSettings.load(config.config()).licenses()), progress).run();

        // the frozen encoders of the tiny preset on the training side: the per-track cache lofi train reads
        PreprocessResult preprocessed = new PreprocessJob(new PreprocessConfig(config.finalDir(), config.cacheDir(),
                config.metadataDir(), TinyPreset.NAME, null, "auto", null, false, config.config())).run(progress);

        // lofi train --model tiny on those caches: a short run (the loss falls little in so few steps; it shows the
        // chain — rsLoRA on the tiny transformer, checkpoints, run folder — not a useful adapter). A second demo run
        // resumes the finished run, which then has nothing left to do.
        TrainConfig trainConfig = TrainConfig.of(TinyPreset.NAME, config.cacheDir(), config.runDir(), config.config())
                .with("max_steps", TRAIN_STEPS).with("checkpoint_every", TRAIN_STEPS / 2).with("seed", config.seed())
                .with("precision", "fp32") // bf16 matmuls on a CPU without bf16 units are ~10x slower
                .withResume(Files.exists(config.runDir().resolve("run.json")));
        TrainResult trained = new TrainJob(trainConfig).run(progress);

        // lofi generate --model tiny --lora <the checkpoint it trained> on the first track's prompt: the whole
        // text → audio chain on the toy model (its weights are seeded noise, so the clip shows the chain, not music)
        String prompt = new java.util.TreeMap<>(prompts.prompts()).values().stream().findFirst().orElse("lofi hip hop");
        GenerateResult generated = new GenerateJob(new GenerateConfig(TinyPreset.NAME,
                List.of(new GenerationItem("demo_generated", prompt, "[instrumental]", GENERATED_SECONDS, config.seed())),
                new SamplingSettings(SchedulerType.EULER, GENERATED_STEPS, List.of(), 10.0,
                        GuidanceSettings.aceStepDefaults()), ErgSwitches.ALL,
                new Text2MusicPipeline.Options("auto", false, null, trained.latestCheckpoint(), 1.0,
                        InferenceLora.ScaleMode.TRAINING,
                        config.config()), config.generatedDir(), GenerateConfig.Format.WAV, false, false)).run(progress);

        return new DemoResult(config.workDir().toString(), clips, processed, prompts, dataset, preprocessed, trained,
                generated);
    }

    /** Renders the clips (skipping those already on disk) and writes raw/own/*.wav and metadata/sources.json. */
    private List<DemoResult.Clip> synthesise(ProgressListener progress) throws IOException {
        StylePresets presets = StylePresets.load(config.config());
        List<StylePreset> chosen = pickStyles(presets.all());
        new DemoFolder(config).prepare(expectedClips(chosen)); // before anything is written
        LofiSynth synth = new LofiSynth();
        List<DemoResult.Clip> clips = new ArrayList<>();
        ObjectNode sources = Json.MAPPER.createObjectNode();
        sources.put("version", 1);
        ArrayNode tracks = sources.putArray("tracks");
        int total = chosen.size() * config.clipsPerStyle();
        progress.start("synthesise", total);
        int index = 0;
        for (StylePreset preset : chosen) {
            for (int k = 0; k < config.clipsPerStyle(); k++, index++) {
                long seed = config.seed() * 1000 + index;
                String name = clipName(index, preset);
                Path file = config.rawDir().resolve("own").resolve(name + ".wav");
                PresetSynth.Choice choice = PresetSynth.choose(preset, seed);
                if (!Files.exists(file)) {
                    SynthClip clip = PresetSynth.render(synth, preset, seed, config.seconds());
                    WavFile.write(file, clip.audio(), 24);
                }
                // The last clips carry no style, so `prompts` must guess it from tempo/key analysis.
                boolean labelled = index < total - config.unlabelled();
                ObjectNode t = tracks.addObject();
                t.put("file", "own/" + name + ".wav");
                t.put("title", preset.name() + " sketch " + (k + 1));
                t.put("artist", "lofi-lora demo synthesiser");
                t.put("source_url", "synthesised by lofi demo (seed " + seed + ")");
                t.put("license", "own-work");
                t.put("license_evidence", "generated locally by the lofi-lora synthesiser");
                t.put("tier", "own");
                t.put("category", "demo");
                if (labelled) t.put("style", preset.id());
                clips.add(new DemoResult.Clip(name, preset.id(), labelled, choice.bpm(),
                        new dev.lofilora.audio.analysis.TempoKey(choice.bpm(), 1, choice.tonic(), choice.mode(), 1).keyName()));
                progress.advance(1, name);
            }
        }
        progress.finish();
        Json.write(config.metadataDir().resolve("sources.json"), sources);
        return clips;
    }

    private static String clipName(int index, StylePreset preset) {
        return String.format(Locale.ROOT, "demo_%02d_%s", index + 1, preset.id());
    }

    private List<String> expectedClips(List<StylePreset> chosen) {
        List<String> names = new ArrayList<>();
        int index = 0;
        for (StylePreset preset : chosen) {
            for (int k = 0; k < config.clipsPerStyle(); k++, index++) names.add(clipName(index, preset));
        }
        return names;
    }

    /** {@code styles} distinct presets, chosen deterministically from the seed. */
    private List<StylePreset> pickStyles(List<StylePreset> all) {
        List<StylePreset> pool = new ArrayList<>(all);
        SplittableRandom r = new SplittableRandom(config.seed());
        List<StylePreset> out = new ArrayList<>();
        while (out.size() < Math.min(config.styles(), all.size())) out.add(pool.remove(r.nextInt(pool.size())));
        return out;
    }
}
