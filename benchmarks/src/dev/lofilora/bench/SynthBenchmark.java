package dev.lofilora.bench;

import dev.lofilora.audio.synth.LofiSynth;
import dev.lofilora.audio.synth.SynthClip;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.dataset.presets.PresetSynth;
import dev.lofilora.dataset.presets.StylePresets;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/** Seconds to render one 30-s stereo 48 kHz clip of a style preset. Goal: well under 1 s. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SynthBenchmark {
    @Param({"lofi_hip_hop", "ambient_lofi", "bossa_lofi", "rainy_night_lofi"})
    public String preset;

    private final LofiSynth synth = new LofiSynth();
    private StylePresets presets;
    private long seed;

    @Setup(Level.Trial)
    public void load() { presets = StylePresets.load(ConfigFiles.defaults()); }

    @Benchmark
    public SynthClip render30s() {
        return PresetSynth.render(synth, presets.require(preset), seed++, 30);
    }
}
