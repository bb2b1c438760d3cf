package dev.lofilora.demo;

import dev.lofilora.common.ConfigFiles;

import java.nio.file.Path;

/**
 * What {@code lofi demo} does: {@code styles × clipsPerStyle} synthesised clips of {@code seconds} each, written
 * under {@code workDir} (raw/, metadata/, processed/, final/, validation/, cache/, runs/demo/, generated/), then the pipeline stages that exist.
 *
 * @param unlabelled how many clips get no "style" in sources.json, so {@code prompts} has to guess theirs
 *                   from tempo/key analysis
 * @param clean      when the folder holds a demo made with other settings: delete that demo's folders and start
 *                   over (otherwise the run stops before touching anything)
 */
public record DemoConfig(Path workDir, int styles, int clipsPerStyle, double seconds, long seed, int unlabelled,
                         int threads, ConfigFiles config, boolean clean) {
    public DemoConfig {
        if (styles < 1 || clipsPerStyle < 1) throw new IllegalArgumentException("need at least one clip");
        if (seconds < 5 || seconds > 600) throw new IllegalArgumentException("clip length " + seconds + " s");
    }

    public DemoConfig(Path workDir, int styles, int clipsPerStyle, double seconds, long seed, int unlabelled,
                      int threads, ConfigFiles config) {
        this(workDir, styles, clipsPerStyle, seconds, seed, unlabelled, threads, config, false);
    }

    public static DemoConfig defaults(Path workDir) {
        return new DemoConfig(workDir, 6, 2, 20, 7, 2, 0, ConfigFiles.defaults());
    }

    public Path rawDir() { return workDir.resolve("raw"); }
    public Path metadataDir() { return workDir.resolve("metadata"); }
    public Path processedDir() { return workDir.resolve("processed"); }
    public Path finalDir() { return workDir.resolve("final"); }
    public Path validationDir() { return workDir.resolve("validation"); }
    public Path cacheDir() { return workDir.resolve("cache"); }

    /** What the demo records about its settings, to recognise a folder made with other ones. */
    public Path settingsFile() { return workDir.resolve("demo.json"); }
    public Path generatedDir() { return workDir.resolve("generated"); }
    public Path runDir() { return workDir.resolve("runs").resolve("demo"); }
}
