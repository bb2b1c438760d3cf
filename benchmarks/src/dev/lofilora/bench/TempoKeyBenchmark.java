package dev.lofilora.bench;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.analysis.TempoKey;
import dev.lofilora.audio.analysis.TempoKeyAnalyzer;
import dev.lofilora.audio.synth.LofiSynth;
import dev.lofilora.audio.synth.SynthStyle;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/** Milliseconds to analyse tempo and key of a 3-minute and a 30-s stereo 48 kHz track. Goal: ≤ 1–2 s for 3 min. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TempoKeyBenchmark {
    @Param({"180", "30"})
    public int seconds;

    private final TempoKeyAnalyzer analyzer = new TempoKeyAnalyzer();
    private AudioBuffer track;

    @Setup(Level.Trial)
    public void render() {
        track = new LofiSynth().render(SynthStyle.LOFI_HIP_HOP, 9, "minor", 84, 1, seconds).audio();
    }

    @Benchmark
    public TempoKey analyze() { return analyzer.analyze(track); }
}
