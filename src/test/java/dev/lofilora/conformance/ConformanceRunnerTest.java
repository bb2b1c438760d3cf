package dev.lofilora.conformance;

import dev.lofilora.SharedFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.tensor.NumericsFlags;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.SafetensorsWriter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner's public API on temporary golden folders computed by {@link DoublingSuite}. */
class ConformanceRunnerTest {
    @TempDir
    Path tmp;

    private final ConformanceRunner runner = new ConformanceRunner(List.of(new DoublingSuite()));

    static final float[] X = {0.5f, -1.25f, 3f, 0.125f, 2f, -7f};

    /** A nested-layout golden (like acestep): outputs + grads, one f64 twin, one integer output. */
    static Path nestedGolden(Path dir, String mode) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"fake_suite\":\"doubling\",\"mode\":\"" + mode + "\"}");
        Tensor x = Tensors.fromFloatArray(X, 2, 3);
        Tensor n = Tensors.fromLongArray(new long[]{1, 2, 3}, 3);
        SafetensorsWriter.write(dir.resolve("inputs.safetensors"), Map.of("x", x, "n", n));
        Tensor y = x.mul(new Scalar(2.0));
        SafetensorsWriter.write(dir.resolve("outputs.safetensors"), Map.of("y_good", y, "y_wrong", y, "y_skipped", y,
                "y_good_f64", y.to(org.bytedeco.pytorch.global.torch.ScalarType.Double), "counts", n.mul(new Scalar(2L))));
        SafetensorsWriter.write(dir.resolve("grads.safetensors"), Map.of("g", x.mul(new Scalar(3.0))));
        Files.writeString(dir.resolve("tolerances.json"), """
                {"_rule": "pass if max|cand-golden| <= atol",
                 "outputs": {"y_good": {"atol": 1e-6}, "y_wrong": {"atol": 1e-4}, "y_skipped": {"atol": 1e-6},
                             "y_good_f64": {"atol": 1e-6}, "counts": {"atol": 0.5}},
                 "grads": {"g": {"atol": 1e-6, "max_abs_ref": 21.0}}}
                """);
        return dir;
    }

    /** A flat-layout component (like a codecs folder): io.safetensors with input x and output y. */
    static Path flatComponent(Path dir, boolean accepted, float offset) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), accepted ? "{\"fake_suite\":\"doubling\"}" : "{\"other\":1}");
        Tensor x = Tensors.fromFloatArray(X, 6);
        SafetensorsWriter.write(dir.resolve("io.safetensors"), Map.of("x", x, "y", x.mul(new Scalar(2.0)).add(new Scalar(offset))));
        Files.writeString(dir.resolve("tolerances.json"), """
                {"__notes__": "test", "x": {"shape": [6], "dtype": "float32", "role": "input", "atol": 0.0},
                 "y": {"shape": [6], "dtype": "float32", "role": "output", "atol": 1e-5}}
                """);
        return dir;
    }

    private ConformanceReport run(Path golden, Path save, boolean requireAll) {
        return runner.run(new ConformanceConfig(golden, save, requireAll, "cpu"), ProgressListener.NONE);
    }

    private static TensorComparison comparison(ConformanceReport r, String name) {
        return r.comparisons().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void passesWhenEveryTensorIsWithinTolerance() throws IOException {
        ConformanceReport r = run(nestedGolden(tmp.resolve("g"), "correct"), null, true);
        assertTrue(r.passed(), r.failures().toString());
        assertEquals(5, r.compared());
        assertEquals(5, r.expected(), "K excludes the f64 twin");
        assertEquals("compared 5 of 5; skipped: none", r.summary());
        assertEquals(List.of("outputs/y_good_f64"), r.f64Twins());
        assertEquals(List.of("outputs/extra"), r.unexpected());
        assertEquals(Map.of("", "test.doubling"), r.suites());
        TensorComparison g = comparison(r, "grads/g");
        assertEquals(0.0, g.maxAbs());
        assertArrayEquals(new long[]{2, 3}, g.shape());
        TensorComparison counts = comparison(r, "outputs/counts");
        assertTrue(counts.exact());
        assertEquals(0.0, counts.atol(), "integer outputs ignore atol and must match exactly");
    }

    @Test
    void tf32IsOffWhileTheSuiteComputesAndRestoredAfterwards() throws IOException {
        Path g = nestedGolden(tmp.resolve("g"), "correct");
        NumericsFlags.setTf32(true);
        try {
            DoublingSuite.tf32SeenDuringCompute = null;
            assertTrue(run(g, null, false).passed());
            assertEquals(Boolean.FALSE, DoublingSuite.tf32SeenDuringCompute);
            assertTrue(NumericsFlags.tf32CuBlasAllowed() && NumericsFlags.tf32CuDnnAllowed(), "restored");
        } finally {
            NumericsFlags.disableTf32();
        }
    }

    @Test
    void failsOutsideToleranceAndReportsTheSkip() throws IOException {
        ConformanceReport r = run(nestedGolden(tmp.resolve("g"), "mixed"), null, false);
        assertFalse(r.passed());
        assertEquals(List.of("1 tensor(s) outside tolerance"), r.failures());
        TensorComparison wrong = comparison(r, "outputs/y_wrong");
        assertFalse(wrong.passed());
        assertEquals(1e-3, wrong.maxAbs(), 1e-6);
        assertEquals(wrong.maxAbs() / 14.0, wrong.maxRel(), 1e-9, "max rel = max abs / max|expected| (= 2·7)");
        assertTrue(wrong.message().contains("exceeds atol 1.000e-04"), wrong.message());
        assertTrue(comparison(r, "outputs/y_good").passed());
        assertEquals("compared 4 of 5; skipped: outputs/y_skipped (needs the loss, not ported yet)", r.summary());
    }

    @Test
    void requireAllFailsOnASkip() throws IOException {
        Path g = nestedGolden(tmp.resolve("g"), "skip-one");
        assertTrue(run(g, null, false).passed());
        ConformanceReport strict = run(g, null, true);
        assertFalse(strict.passed());
        assertEquals(List.of("1 tensor(s) skipped with --require-all"), strict.failures());
    }

    @Test
    void comparingNothingFails() throws IOException {
        ConformanceReport r = run(nestedGolden(tmp.resolve("g"), "nothing"), null, false);
        assertFalse(r.passed());
        assertEquals(0, r.compared());
        assertTrue(r.failures().contains("compared nothing"));
        assertTrue(r.summary().startsWith("compared 0 of 5; skipped: outputs/y_good (this suite computes nothing"),
                r.summary());
        assertTrue(r.summary().contains("outputs/y_wrong, outputs/y_skipped, outputs/counts, grads/g (not computed by suite test.doubling)"),
                r.summary());
    }

    @Test
    void aWrongShapeIsAFailureWithAClearMessage() throws IOException {
        ConformanceReport r = run(nestedGolden(tmp.resolve("g"), "wrong-shape"), null, false);
        TensorComparison c = comparison(r, "outputs/y_good");
        assertFalse(c.passed());
        assertArrayEquals(new long[]{3, 2}, c.shape());
        assertArrayEquals(new long[]{2, 3}, c.expectedShape());
        assertEquals("computed shape [3, 2] differs from the expected shape [2, 3]", c.message());
        assertTrue(Double.isNaN(c.maxAbs()));
    }

    @Test
    void integerOutputsMustMatchExactlyWhateverTheAtol() throws IOException {
        ConformanceReport r = run(nestedGolden(tmp.resolve("g"), "int-off"), null, false);
        TensorComparison c = comparison(r, "outputs/counts");
        assertFalse(c.passed(), "off by one fails although the file's atol is 0.5");
        assertEquals(1.0, c.maxAbs());
        assertTrue(c.message().contains("must match exactly"));
    }

    @Test
    void saveWritesEveryComputedTensorUnderTheGoldensFileNamesAndKeys() throws IOException {
        Path save = tmp.resolve("out");
        ConformanceReport r = run(nestedGolden(tmp.resolve("g"), "mixed"), save, false);
        assertEquals(List.of(save.resolve("outputs.safetensors"), save.resolve("grads.safetensors")), r.saved());
        try (SafetensorsFile out = SafetensorsFile.open(save.resolve("outputs.safetensors"))) {
            assertEquals(List.of("counts", "extra", "y_good", "y_wrong"), out.names().stream().sorted().toList());
            assertEquals("test.doubling", out.metadata().get("lofi.conformance.suite"));
            float[] y = Tensors.toFloatArray(out.tensor("y_good"));
            for (int i = 0; i < X.length; i++) assertEquals(2 * X[i], y[i]);
        }
        try (SafetensorsFile grads = SafetensorsFile.open(save.resolve("grads.safetensors"))) {
            assertEquals(List.of("g"), grads.names());
        }
    }

    @Test
    void aParentFolderRunsEveryComponentAndSkipsThoseWithoutASuite() throws IOException {
        Path parent = tmp.resolve("codecs");
        flatComponent(parent.resolve("comp1"), true, 0f);
        flatComponent(parent.resolve("comp2"), false, 0f);
        Files.createDirectories(parent.resolve("not-a-golden"));
        Path save = tmp.resolve("out");
        ConformanceReport r = run(parent, save, false);
        assertTrue(r.passed(), r.failures().toString());
        assertEquals("compared 1 of 2; skipped: comp2/y (no installed suite accepts comp2)", r.summary());
        assertEquals("comp1/y", r.comparisons().get(0).name());
        assertEquals(List.of(save.resolve("comp1").resolve("io.safetensors")), r.saved());
        assertFalse(run(parent, null, true).passed(), "--require-all fails on the component without a suite");
    }

    @Test
    void aFlatComponentRunDirectlySavesUnderItsName() throws IOException {
        Path comp = flatComponent(tmp.resolve("dcae"), true, 1e-4f);
        Path save = tmp.resolve("out");
        ConformanceReport r = run(comp, save, false);
        assertFalse(r.passed(), "1e-4 off with atol 1e-5");
        assertEquals("dcae/y", r.comparisons().get(0).name());
        assertEquals(List.of(save.resolve("dcae").resolve("io.safetensors")), r.saved());
    }

    @Test
    void foldersNoSuiteRecognisesAreErrors() throws IOException {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        LofiException notGolden = assertThrows(LofiException.class, () -> run(plain, null, false));
        assertTrue(notGolden.getMessage().contains("is not a golden folder"), notGolden.getMessage());

        Path foreign = flatComponent(tmp.resolve("foreign"), false, 0f);
        LofiException noSuite = assertThrows(LofiException.class, () -> run(foreign, null, false));
        assertTrue(noSuite.getMessage().contains("no conformance suite recognises this golden folder (installed suites: test.doubling)"),
                noSuite.getMessage());

        LofiException missing = assertThrows(LofiException.class, () -> run(tmp.resolve("absent"), null, false));
        assertTrue(missing.getMessage().contains("does not exist"));

        Path broken = nestedGolden(tmp.resolve("broken"), "correct");
        Files.delete(broken.resolve("grads.safetensors"));
        LofiException incomplete = assertThrows(LofiException.class, () -> run(broken, null, false));
        assertTrue(incomplete.getMessage().contains("grads.safetensors") && incomplete.getMessage().contains("is missing"),
                incomplete.getMessage());
    }

    @Test
    void readsTheRealGoldenTolerancesAndRefusesThemWithoutTheirSuite() {
        Path acestep = SharedFiles.require("golden/acestep/A");
        GoldenFolder a = GoldenFolder.read(acestep);
        assertFalse(a.isFlat());
        assertEquals(168, a.expected().stream().filter(e -> !e.f64Twin()).count(), "44 outputs + 62 + 62 grads");
        assertEquals(6, a.expected().stream().filter(GoldenFolder.Expected::f64Twin).count());
        assertEquals(List.of("outputs", "grads", "grads_denoise").stream().sorted().toList(),
                a.keysByGroup().keySet().stream().sorted().toList());

        Path codecs = SharedFiles.require("golden/codecs/A");
        int outputs = 0;
        for (Path c : GoldenFolder.childGoldenFolders(codecs)) {
            GoldenFolder g = GoldenFolder.read(c);
            assertTrue(g.isFlat(), c.toString());
            outputs += g.expected().size();
        }
        assertEquals(18, outputs, "codecs/A expects 18 outputs over 5 components");
        LofiException e = assertThrows(LofiException.class, () -> run(codecs, null, false));
        assertTrue(e.getMessage().contains("any of its golden folders [dcae, logmel, pipeline, umt5, vocoder]"), e.getMessage());
    }

    @Test
    void theSummaryListsAtMostFiveNamesPerSkipReason() {
        List<SkippedTensor> skips = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) skips.add(new SkippedTensor("grads/p" + i, "training not ported"));
        skips.add(new SkippedTensor("outputs/loss.total", "loss not ported"));
        ConformanceReport r = new ConformanceReport(tmp, Map.of(), List.of(), skips, List.of(), List.of(), 9, false,
                List.of());
        assertEquals("compared 0 of 9; skipped: grads/p0, grads/p1, grads/p2, grads/p3 and 4 more (training not ported); "
                + "outputs/loss.total (loss not ported)", r.summary());
        assertEquals(List.of("compared nothing"), r.failures());
    }

    @Test
    void suitesAreDiscoveredWithServiceLoader() {
        assertTrue(ConformanceSuites.installed().stream().anyMatch(s -> s instanceof DoublingSuite));
    }
}
