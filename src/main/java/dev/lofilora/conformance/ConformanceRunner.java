package dev.lofilora.conformance;

import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.tensor.DType;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.NumericsFlags;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.SafetensorsWriter;
import dev.lofilora.tensor.TensorInfo;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs golden folders (the contract of {@code ../shared/golden/README.md}) against the installed
 * {@link ConformanceSuite}s: finds the suite that accepts each folder, lets it compute, compares every computed tensor
 * with the expected one in float64 (pass when max|Δ| ≤ atol over the elements finite in both and NaN/±Inf sit where
 * the expected ones do; integer outputs must match exactly; a wrong shape fails, one equal but for size-1 dimensions
 * is accepted), counts what it compared and what it skipped, and with {@link ConformanceConfig#saveDir()} writes what it
 * computed under the golden's own file names and keys ({@code <dir>/[component/]<group>.safetensors}).
 *
 * <p>The folder may be a golden folder itself (it holds {@code tolerances.json}) or a parent of golden folders, e.g.
 * {@code codecs/A}: every golden folder inside is run, as component {@code <name>}. A folder of the flat (codecs)
 * layout run directly is component {@code <its name>} too, so {@code --save} gives {@code <dir>/<component>/io.safetensors}
 * either way. Folders no installed suite accepts are counted as skipped; when no folder has a suite it is an error.
 *
 * <p>TF32 is off (matmul precision "highest") for the whole run and restored afterwards. The run is float32 as the
 * suites compute it; comparisons are on the CPU.
 */
public final class ConformanceRunner {
    private final List<ConformanceSuite> suites;

    /** A runner over exactly these suites (tests pass their own). */
    public ConformanceRunner(List<ConformanceSuite> suites) {
        this.suites = List.copyOf(suites);
    }

    /** A runner over the suites installed on the class path ({@link ConformanceSuites#installed()}). */
    public static ConformanceRunner installed() {
        return new ConformanceRunner(ConformanceSuites.installed());
    }

    public List<ConformanceSuite> suites() {
        return suites;
    }

    private record Target(Path dir, String component, GoldenFolder golden, ConformanceSuite suite) {}

    /**
     * Runs {@code config}. Throws {@link LofiException} for a folder that is not a golden folder, that no suite
     * accepts, or whose files are inconsistent (the CLI's exit code 2); outside-tolerance tensors, "compared nothing"
     * and skips under --require-all are reported in the result ({@link ConformanceReport#passed()}).
     */
    public ConformanceReport run(ConformanceConfig config, ProgressListener progress) {
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        Path golden = config.golden();
        if (!Files.isDirectory(golden)) {
            throw new LofiException(golden, Files.exists(golden) ? "is not a folder" : "does not exist",
                    "give a golden folder, e.g. ../shared/golden/acestep/A or ../shared/golden/codecs/A");
        }
        Device device = Devices.parse(config.device());
        List<Target> targets = targets(golden);

        Map<String, String> suitesUsed = new LinkedHashMap<>();
        List<TensorComparison> comparisons = new ArrayList<>();
        List<SkippedTensor> skipped = new ArrayList<>();
        List<String> twins = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<Path> saved = new ArrayList<>();
        int expected = 0;
        // Progress stages are the suites' own (a suite knows its steps); the runner adds none, so bars do not clash.
        try (NumericsFlags strict = NumericsFlags.strictFp32()) {
            for (Target t : targets) {
                for (GoldenFolder.Expected e : t.golden.expected()) if (!e.f64Twin()) expected++;
                if (t.suite == null) {
                    for (GoldenFolder.Expected e : t.golden.expected()) {
                        String name = displayName(t, e.group(), e.key());
                        if (e.f64Twin()) twins.add(name);
                        else skipped.add(new SkippedTensor(name, "no installed suite accepts " + t.dir.getFileName()));
                    }
                } else {
                    suitesUsed.put(t.component, t.suite.name());
                    runOne(t, device, config.saveDir(), listener, comparisons, skipped, twins, unexpected, saved);
                }
            }
        } finally {
            listener.finish();
        }
        return new ConformanceReport(golden, suitesUsed, List.copyOf(comparisons), List.copyOf(skipped),
                List.copyOf(twins), List.copyOf(unexpected), expected, config.requireAll(), List.copyOf(saved));
    }

    private List<Target> targets(Path golden) {
        List<Target> targets = new ArrayList<>();
        if (GoldenFolder.isGoldenFolder(golden)) {
            GoldenFolder g = GoldenFolder.read(golden);
            String component = g.isFlat() ? golden.toAbsolutePath().normalize().getFileName().toString() : "";
            targets.add(new Target(golden, component, g, suiteFor(golden)));
        } else {
            for (Path child : GoldenFolder.childGoldenFolders(golden)) {
                targets.add(new Target(child, child.getFileName().toString(), GoldenFolder.read(child), suiteFor(child)));
            }
            if (targets.isEmpty()) {
                throw new LofiException(golden, "is not a golden folder: neither it nor any folder directly inside it "
                        + "holds a " + GoldenFolder.TOLERANCES, "give a golden folder such as ../shared/golden/acestep/A "
                        + "or a parent of golden folders such as ../shared/golden/codecs/A");
            }
        }
        if (targets.stream().allMatch(t -> t.suite == null)) {
            List<String> names = suites.stream().map(ConformanceSuite::name).toList();
            throw new LofiException(golden, "no conformance suite recognises "
                    + (targets.size() == 1 && targets.get(0).dir.equals(golden) ? "this golden folder"
                    : "any of its golden folders " + targets.stream().map(t -> t.dir.getFileName().toString()).toList())
                    + " (installed suites: " + (names.isEmpty() ? "none" : String.join(", ", names)) + ")",
                    "check the folder's layout against ../shared/golden/README.md, or use a build that includes the suite");
        }
        return targets;
    }

    private ConformanceSuite suiteFor(Path dir) {
        List<ConformanceSuite> matching = suites.stream().filter(s -> s.accepts(dir)).toList();
        if (matching.size() > 1) {
            throw new IllegalStateException("several conformance suites accept " + dir + ": "
                    + matching.stream().map(ConformanceSuite::name).toList() + "; make their accepts() stricter");
        }
        return matching.isEmpty() ? null : matching.get(0);
    }

    private static String displayName(Target t, String group, String key) {
        StringBuilder sb = new StringBuilder();
        if (!t.component.isEmpty()) sb.append(t.component).append('/');
        if (!t.golden.isFlat()) sb.append(group).append('/');
        return sb.append(key).toString();
    }

    private void runOne(Target t, Device device, Path saveDir, ProgressListener listener,
                        List<TensorComparison> comparisons, List<SkippedTensor> skipped, List<String> twins,
                        List<String> unexpected, List<Path> saved) {
        Map<String, SafetensorsFile> files = new LinkedHashMap<>();
        // Everything the suite and the comparisons allocate is freed when this folder is done.
        try (PointerScope scope = new PointerScope()) {
            ConformanceContext ctx = new ConformanceContext(device, t.golden.keysByGroup(), listener);
            SuiteResult result = t.suite.compute(t.dir, ctx);
            if (result == null) throw new IllegalStateException("suite " + t.suite.name() + " returned null");
            Map<String, String> skipReasons = new LinkedHashMap<>();
            for (SuiteResult.Skip s : result.skipped()) skipReasons.put(s.group() + "\u0000" + s.key(), s.reason());

            Set<String> expectedIds = new HashSet<>();
            for (GoldenFolder.Expected e : t.golden.expected()) {
                expectedIds.add(e.group() + "\u0000" + e.key());
                String name = displayName(t, e.group(), e.key());
                if (e.f64Twin()) {
                    twins.add(name);
                    continue;
                }
                Tensor computed = result.get(e.group(), e.key());
                if (computed == null) {
                    String reason = skipReasons.getOrDefault(e.group() + "\u0000" + e.key(),
                            "not computed by suite " + t.suite.name());
                    skipped.add(new SkippedTensor(name, reason));
                    continue;
                }
                SafetensorsFile file = files.computeIfAbsent(e.group(), g -> openExpected(t, g));
                if (!file.contains(e.key())) {
                    throw new LofiException(file.path(), "has no tensor \"" + e.key() + "\" although "
                            + GoldenFolder.TOLERANCES + " expects it", "the golden folder is inconsistent; regenerate it");
                }
                comparisons.add(compare(t, e, name, computed, file));
            }
            result.computed().forEach((group, tensors) -> tensors.keySet().forEach(key -> {
                if (!expectedIds.contains(group + "\u0000" + key)) unexpected.add(displayName(t, group, key));
            }));
            if (saveDir != null) save(t, result, saveDir, saved);
        } finally {
            files.values().forEach(SafetensorsFile::close);
        }
    }

    private static SafetensorsFile openExpected(Target t, String group) {
        Path p = t.golden.fileOf(group);
        if (!Files.isRegularFile(p)) {
            throw new LofiException(p, "is missing although " + GoldenFolder.TOLERANCES + " lists tolerances for \""
                    + group + "\"", "the golden folder is incomplete; copy it again");
        }
        return SafetensorsFile.open(p);
    }

    private static TensorComparison compare(Target t, GoldenFolder.Expected e, String name, Tensor computed,
                                            SafetensorsFile file) {
        TensorInfo info = file.info(e.key());
        Tensor expected = file.tensor(e.key());
        long[] shape = Tensors.shape(computed);
        long[] expectedShape = info.shape();
        boolean exact = !info.dtype().isFloatingPoint();
        double atol = exact ? 0 : e.atol();
        String dtype = info.dtype().safetensorsName();
        if (!Arrays.equals(shape, expectedShape)) {
            if (!Arrays.equals(squeezed(shape), squeezed(expectedShape))) {
                return new TensorComparison(name, t.component, e.group(), e.key(), shape, expectedShape, dtype,
                        Double.NaN, Double.NaN, atol, exact, false, "computed shape " + Arrays.toString(shape)
                        + " differs from the expected shape " + Arrays.toString(expectedShape));
            }
            computed = computed.reshape(expectedShape); // equal but for size-1 dimensions ([] vs [1]): accepted
        }
        // Non-finite values must sit where the expected ones do, with the same value; the error is over the rest.
        long nonFinite = exact ? 0 : Tensors.nonFiniteMismatches(computed, expected);
        double maxAbs = exact ? Tensors.maxAbsDiff(computed, expected) : Tensors.maxAbsDiffFinite(computed, expected);
        double ref = Tensors.maxAbsFinite(expected);
        double maxRel = maxAbs == 0 ? 0 : ref == 0 ? Double.POSITIVE_INFINITY : maxAbs / ref;
        boolean passed;
        String message = "";
        if (exact) {
            passed = exactlyEqual(computed, expected);
            if (!passed) message = "integer output differs from the expected one (must match exactly)";
        } else {
            passed = nonFinite == 0 && maxAbs <= atol;
            if (nonFinite > 0) {
                message = nonFinite + " element(s) where the NaN/Inf pattern differs from the expected one";
                maxAbs = Double.NaN;
            } else if (!passed) {
                message = String.format("max abs error %.3e exceeds atol %.3e (%.3g x atol)", maxAbs, atol,
                        maxAbs / atol);
            }
        }
        return new TensorComparison(name, t.component, e.group(), e.key(), shape, expectedShape, dtype, maxAbs, maxRel,
                atol, exact, passed, message);
    }

    private static long[] squeezed(long[] shape) {
        return Arrays.stream(shape).filter(d -> d != 1).toArray();
    }

    /** Integer outputs: equal as int64 (no float64 rounding above 2^53), and a float result must hold integers. */
    private static boolean exactlyEqual(Tensor computed, Tensor expected) {
        if (Tensors.maxAbsDiff(computed, expected) != 0) return false;
        boolean computedIntegral = DType.fromScalarType(computed.scalar_type()).map(d -> !d.isFloatingPoint())
                .orElse(false);
        if (!computedIntegral) return true;
        try (PointerScope scope = new PointerScope()) {
            return computed.to(ScalarType.Long).cpu().equal(expected.to(ScalarType.Long));
        }
    }

    private static void save(Target t, SuiteResult result, Path saveDir, List<Path> saved) {
        Path dir = t.component.isEmpty() ? saveDir : saveDir.resolve(t.component);
        Map<String, String> metadata = Map.of("lofi.conformance.suite", t.suite.name(),
                "lofi.conformance.golden", String.valueOf(t.dir.toAbsolutePath().normalize().getFileName()));
        for (Map.Entry<String, Map<String, Tensor>> g : result.computed().entrySet()) {
            Path target = dir.resolve(g.getKey() + ".safetensors");
            SafetensorsWriter.write(target, g.getValue(), metadata);
            saved.add(target);
        }
    }
}
