package dev.lofilora.conformance;

import dev.lofilora.common.ProgressListener;
import dev.lofilora.tensor.SafetensorsWriter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The comparison rules the sampler goldens need (../shared/golden/sampler/README.md, "Comparison"): NaN/±Inf must sit
 * where the expected ones do with the same value and the error is taken over the rest; a shape equal but for size-1
 * dimensions ({@code []} vs {@code [1]}) is accepted.
 */
class NonFiniteComparisonTest {
    @TempDir
    Path tmp;

    private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;

    private ConformanceReport run(Supplier<Tensor> computed) throws Exception {
        Path g = tmp.resolve("g" + System.nanoTime());
        Files.createDirectories(g);
        try (PointerScope scope = new PointerScope()) {
            SafetensorsWriter.write(g.resolve("outputs.safetensors"),
                    Map.of("s", Tensors.fromDoubleArray(new double[] {1, NAN, 3, -INF}, 4)), Map.of());
        }
        Files.writeString(g.resolve("tolerances.json"), "{\"outputs\": {\"s\": {\"atol\": 1e-6}}}");
        ConformanceSuite suite = new ConformanceSuite() {
            @Override public String name() { return "test.nonfinite"; }
            @Override public boolean accepts(Path folder) { return true; }
            @Override public SuiteResult compute(Path folder, ConformanceContext ctx) {
                return SuiteResult.builder().put("outputs", "s", computed.get()).build();
            }
        };
        return new ConformanceRunner(List.of(suite)).run(ConformanceConfig.of(g), ProgressListener.NONE);
    }

    @Test
    void theSameNonFinitePatternPassesOnTheFiniteError() throws Exception {
        ConformanceReport r = run(() -> Tensors.fromDoubleArray(new double[] {1, NAN, 3 + 5e-7, -INF}, 4));
        assertTrue(r.passed(), r.comparisons().get(0).message());
        assertEquals(5e-7, r.comparisons().get(0).maxAbs(), 1e-12);
    }

    @Test
    void aMovedNaNOrAFlippedInfinityFails() throws Exception {
        ConformanceReport moved = run(() -> Tensors.fromDoubleArray(new double[] {NAN, 2, 3, -INF}, 4));
        assertFalse(moved.passed());
        assertEquals("2 element(s) where the NaN/Inf pattern differs from the expected one",
                moved.comparisons().get(0).message());
        assertFalse(run(() -> Tensors.fromDoubleArray(new double[] {1, NAN, 3, INF}, 4)).passed());
        assertFalse(run(() -> Tensors.fromDoubleArray(new double[] {1, 2, 3, -INF}, 4)).passed());
    }

    @Test
    void aShapeEqualButForSizeOneDimensionsIsAccepted() throws Exception {
        assertTrue(run(() -> Tensors.fromDoubleArray(new double[] {1, NAN, 3, -INF}, 1, 4)).passed());
        ConformanceReport other = run(() -> Tensors.fromDoubleArray(new double[] {1, NAN, 3, -INF}, 2, 2));
        assertFalse(other.passed());
        assertTrue(other.comparisons().get(0).message().contains("differs from the expected shape"));
    }
}
