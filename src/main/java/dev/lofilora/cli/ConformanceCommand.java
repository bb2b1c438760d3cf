package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.conformance.ConformanceConfig;
import dev.lofilora.conformance.ConformanceReport;
import dev.lofilora.conformance.ConformanceRunner;
import dev.lofilora.conformance.TensorComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lofi conformance}: runs a golden folder against the installed conformance suites (docs/cli.md). */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {
                "Recompute a golden folder (../shared/golden/README.md) with the Java code and compare every tensor. Prints the max abs/rel error of each tensor and 'compared M of K; skipped: ...'. fp32, TF32 off.",
                "",
                "Exit codes: 0 all within tolerance; 1 a tensor outside tolerance, nothing compared, or (with --require-all) a skip; 2 bad folder or no suite for it; 3 internal error."
        })
public final class ConformanceCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<golden-dir>",
            description = "A golden folder (e.g. ../shared/golden/acestep/A) or a parent of golden folders (e.g. ../shared/golden/codecs/A).")
    Path golden;

    @Option(names = "--save", paramLabel = "<dir>",
            description = "Write every computed tensor under the golden's own file names and keys (<dir>/[component/]<file>.safetensors).")
    Path save;

    @Option(names = "--require-all", description = "Fail (exit 1) when any expected tensor was skipped.")
    boolean requireAll;

    @Option(names = "--device", paramLabel = "<device>", defaultValue = "cpu",
            description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ConformanceReport report = ConformanceRunner.installed()
                .run(new ConformanceConfig(golden, save, requireAll, device), ConsoleProgress.create(common));
        PrintWriter out = spec.commandLine().getOut();
        if (common.json) {
            out.println(Json.toString(toJson(report)));
        } else {
            render(report, out);
        }
        out.flush();
        return report.passed() ? ExitCodes.OK : ExitCodes.ITEMS_FAILED;
    }

    static void render(ConformanceReport r, PrintWriter out) {
        int width = r.comparisons().stream().mapToInt(c -> c.name().length()).max().orElse(10);
        r.suites().forEach((component, suite) ->
                out.println("suite " + suite + (component.isEmpty() ? "" : " for " + component)));
        for (TensorComparison c : r.comparisons()) {
            out.printf("%-4s  %-" + width + "s  %-18s  max abs %-9s  max rel %-9s  atol %s%s%n",
                    c.passed() ? "PASS" : "FAIL", c.name(), Arrays.toString(c.shape()).replace(" ", ""),
                    num(c.maxAbs()), num(c.maxRel()), c.exact() ? "exact" : num(c.atol()),
                    c.message().isEmpty() ? "" : "  " + c.message());
        }
        if (!r.f64Twins().isEmpty()) {
            out.println("f64 twins (debugging aids, not compared, not counted): " + r.f64Twins().size());
        }
        if (!r.unexpected().isEmpty()) {
            out.println("computed but not expected (not compared): " + String.join(", ", r.unexpected()));
        }
        r.saved().forEach(p -> out.println("saved " + p));
        out.println(r.summary());
        out.println(r.passed() ? "PASS" : "FAIL: " + String.join("; ", r.failures()));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "n/a" : Double.isInfinite(v) ? "inf" : String.format("%.3e", v);
    }

    /** The --json shape (docs/cli.md): NaN and infinite errors become null. */
    static Map<String, Object> toJson(ConformanceReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("golden", r.golden().toString());
        m.put("passed", r.passed());
        m.put("compared", r.compared());
        m.put("expected", r.expected());
        m.put("summary", r.summary());
        m.put("failures", r.failures());
        m.put("suites", r.suites());
        m.put("tensors", r.comparisons().stream().map(c -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", c.name());
            t.put("component", c.component());
            t.put("file", c.group());
            t.put("key", c.key());
            t.put("shape", c.shape());
            t.put("expectedShape", c.expectedShape());
            t.put("dtype", c.dtype());
            t.put("maxAbs", finite(c.maxAbs()));
            t.put("maxRel", finite(c.maxRel()));
            t.put("atol", c.atol());
            t.put("exact", c.exact());
            t.put("passed", c.passed());
            t.put("message", c.message());
            return t;
        }).toList());
        m.put("skipped", r.skipped());
        m.put("f64Twins", r.f64Twins());
        m.put("unexpected", r.unexpected());
        m.put("saved", r.saved().stream().map(Path::toString).toList());
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

}
