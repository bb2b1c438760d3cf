package dev.lofilora.infer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.conformance.SuiteResult;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One sampler golden folder while its suite runs: the config, the stored inputs, and the result being built. Every
 * computed tensor goes through {@link #put}, which keeps only the keys the folder expects and gives each a handle
 * owned by the runner's memory scope (so tensors captured inside the loop's per-iteration scopes survive them).
 */
final class SamplerGolden implements AutoCloseable {
    static final String OUTPUTS = "outputs";

    final Path folder;
    final JsonNode config;
    final Device device;
    private final Path configFile;
    private final SafetensorsFile inputs;
    private final ConformanceContext ctx;
    private final SuiteResult.Builder result = SuiteResult.builder();
    private final PointerScope resultScope = PointerScope.getInnerScope();

    SamplerGolden(Path folder, ConformanceContext ctx) {
        this.folder = folder;
        this.ctx = ctx;
        this.device = ctx.device();
        this.configFile = folder.resolve("config.json");
        this.config = Json.readTree(configFile);
        this.inputs = SafetensorsFile.open(folder.resolve("inputs.safetensors"));
    }

    // ---- config -------------------------------------------------------------------------------------------------

    /** A required config field. */
    JsonNode field(JsonNode parent, String name, String where) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            throw new LofiException(configFile, "has no \"" + name + "\"" + (where.isEmpty() ? "" : " in " + where),
                    "regenerate the golden folder (../shared/golden/sampler/README.md lists the fields)");
        }
        return n;
    }

    /** Integer list of a config field ([] for an empty array). */
    static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asInt()));
        return out;
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asDouble();
        return out;
    }

    // ---- inputs -------------------------------------------------------------------------------------------------

    /** A stored input on the run's device. */
    Tensor input(String key) {
        if (!inputs.contains(key)) {
            throw new LofiException(inputs.path(), "has no input \"" + key + "\"",
                    "regenerate the golden folder; the sampler suite needs it");
        }
        Tensor t = inputs.tensor(key);
        return t.to(device, t.scalar_type());
    }

    boolean hasInput(String key) {
        return inputs.contains(key);
    }

    // ---- outputs ------------------------------------------------------------------------------------------------

    boolean expects(String key) {
        return ctx.expects(OUTPUTS, key);
    }

    /** Whether the folder expects any key starting with {@code prefix}. */
    boolean expectsAny(String prefix) {
        return ctx.expectedKeys().getOrDefault(OUTPUTS, java.util.Set.of()).stream().anyMatch(k -> k.startsWith(prefix));
    }

    /** Records {@code t} under {@code key} when the folder expects it. */
    void put(String key, Tensor t) {
        if (!expects(key)) return;
        Tensor kept = new Tensor(t);
        if (resultScope != null) resultScope.attach(kept); // owned by the runner's scope from now on
        else kept.retainReference();
        result.put(OUTPUTS, key, kept);
    }

    void putFloats(String key, float[] values) {
        if (expects(key)) put(key, Tensors.fromFloatArray(values, values.length));
    }

    void putDoubles(String key, double[] values) {
        if (expects(key)) put(key, Tensors.fromDoubleArray(values, values.length));
    }

    void putScalar(String key, double value) {
        if (expects(key)) put(key, Tensors.fromDoubleArray(new double[] {value}));
    }

    void putScalarFloat(String key, float value) {
        if (expects(key)) put(key, Tensors.fromFloatArray(new float[] {value}));
    }

    void putLong(String key, long value) {
        if (expects(key)) put(key, Tensors.fromLongArray(new long[] {value}));
    }

    void putLongs(String key, long[] values) {
        if (expects(key)) put(key, Tensors.fromLongArray(values, values.length));
    }

    SuiteResult build() {
        return result.build();
    }

    ScalarType dtype(String name, String where) {
        return switch (name) {
            case "f32" -> ScalarType.Float;
            case "bf16" -> ScalarType.BFloat16;
            default -> throw new LofiException(configFile, where + " has dtype \"" + name + "\"", "use f32 or bf16");
        };
    }

    /** Python's {@code '%g' % v}, which names the ω of a trajectory ({@code w0}, {@code w10}, {@code w2.5}). */
    static String pyG(double v) {
        if (v == 0) return (1 / v < 0) ? "-0" : "0";
        BigDecimal bd = new BigDecimal(v).round(new MathContext(6, RoundingMode.HALF_EVEN));
        int exp = bd.precision() - bd.scale() - 1;
        if (exp >= -4 && exp < 6) return bd.stripTrailingZeros().toPlainString();
        String mantissa = bd.movePointLeft(exp).stripTrailingZeros().toPlainString();
        return mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    @Override
    public void close() {
        inputs.close();
    }
}
