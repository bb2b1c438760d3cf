package dev.lofilora.audio.qc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Thresholds of the quality checks ({@link QualityChecks}), read from {@code config/quality_checks.json}, where every
 * field is documented under {@code "_doc"}. A config file may list only some fields; the rest keep their
 * {@link #defaults()}. Levels are linear fractions of full scale unless the name says dB.
 */
public record QcThresholds(
        double minDurationSeconds,
        double maxDurationSeconds,
        double clipLevel,
        int clipMinRunSamples,
        double clipWarnPerMinute,
        double clipFailPerMinute,
        double silenceFrameSeconds,
        double silenceThresholdDbfs,
        double silentRatioWarn,
        double silentRatioFail,
        double edgeSilenceWarnSeconds,
        double dcOffsetWarn,
        double dcOffsetFail,
        double monoCorrelation,
        double phaseCorrelationWarn,
        double phaseCorrelationFail,
        double bandwidthDropDb,
        double bandwidthFailHz,
        double bandwidthWarnHz,
        double upsampledSourceRateHz,
        double upsampledCutoffHz,
        int bitDepthWarnAtOrBelow) {

    /** The file name under the config folder. */
    public static final String FILE = "quality_checks.json";

    public QcThresholds {
        positive("minDurationSeconds", minDurationSeconds);
        if (!(maxDurationSeconds > minDurationSeconds)) {
            throw new IllegalArgumentException("maxDurationSeconds must be above minDurationSeconds");
        }
        if (!(clipLevel > 0 && clipLevel <= 1)) throw new IllegalArgumentException("clipLevel must be in (0, 1]");
        if (clipMinRunSamples < 2) throw new IllegalArgumentException("clipMinRunSamples must be at least 2");
        ordered("clipWarnPerMinute", clipWarnPerMinute, "clipFailPerMinute", clipFailPerMinute);
        if (!(silenceFrameSeconds >= 0.001 && silenceFrameSeconds <= 1)) {
            throw new IllegalArgumentException("silenceFrameSeconds must be between 0.001 and 1");
        }
        if (!(silenceThresholdDbfs < 0)) throw new IllegalArgumentException("silenceThresholdDbfs must be below 0");
        fraction("silentRatioWarn", silentRatioWarn);
        fraction("silentRatioFail", silentRatioFail);
        ordered("silentRatioWarn", silentRatioWarn, "silentRatioFail", silentRatioFail);
        positive("edgeSilenceWarnSeconds", edgeSilenceWarnSeconds);
        ordered("dcOffsetWarn", dcOffsetWarn, "dcOffsetFail", dcOffsetFail);
        if (!(monoCorrelation > 0 && monoCorrelation <= 1)) throw new IllegalArgumentException("monoCorrelation must be in (0, 1]");
        if (!(phaseCorrelationFail <= phaseCorrelationWarn && phaseCorrelationWarn <= 0 && phaseCorrelationFail >= -1)) {
            throw new IllegalArgumentException("need -1 <= phaseCorrelationFail <= phaseCorrelationWarn <= 0");
        }
        positive("bandwidthDropDb", bandwidthDropDb);
        ordered("bandwidthFailHz", bandwidthFailHz, "bandwidthWarnHz", bandwidthWarnHz);
        positive("bandwidthFailHz", bandwidthFailHz);
        positive("upsampledSourceRateHz", upsampledSourceRateHz);
        positive("upsampledCutoffHz", upsampledCutoffHz);
        if (bitDepthWarnAtOrBelow < 1 || bitDepthWarnAtOrBelow > 32) {
            throw new IllegalArgumentException("bitDepthWarnAtOrBelow must be between 1 and 32");
        }
    }

    /** The shipped defaults (the same values as the embedded {@code config/quality_checks.json}). */
    public static QcThresholds defaults() {
        return new QcThresholds(5.0, 900.0, 0.99, 4, 1.0, 10.0, 0.05, -60.0, 0.3, 0.5, 2.0, 0.003, 0.03,
                0.99, -0.3, -0.7, 30.0, 16000.0, 19500.0, 88200.0, 24500.0, 16);
    }

    /** Reads {@value #FILE} from {@code config}; a missing field keeps its default. */
    public static QcThresholds load(ConfigFiles config) {
        var where = config.describe(FILE);
        JsonNode root = config.readJson(FILE);
        return fromJson(root, where);
    }

    /** Builds thresholds from a parsed JSON object; {@code where} names the file in error messages. */
    static QcThresholds fromJson(JsonNode root, java.nio.file.Path where) {
        if (root == null || !root.isObject()) {
            throw new LofiException(where, "must hold a JSON object of threshold fields", "see the shipped config/" + FILE);
        }
        RecordComponent[] comps = QcThresholds.class.getRecordComponents();
        QcThresholds d = defaults();
        Object[] values = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        List<String> names = new ArrayList<>();
        try {
            for (int i = 0; i < comps.length; i++) {
                values[i] = comps[i].getAccessor().invoke(d);
                types[i] = comps[i].getType();
                names.add(comps[i].getName());
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            if (f.getKey().startsWith("_")) continue; // "_doc" and other comments
            int i = names.indexOf(f.getKey());
            if (i < 0) {
                throw new LofiException(where, "has an unknown field \"" + f.getKey() + "\"",
                        "use one of " + String.join(", ", names));
            }
            JsonNode v = f.getValue();
            if (types[i] == int.class) {
                if (!v.isIntegralNumber()) throw badValue(where, f.getKey(), v, "a whole number");
                values[i] = v.intValue();
            } else {
                if (!v.isNumber()) throw badValue(where, f.getKey(), v, "a number");
                values[i] = v.doubleValue();
            }
        }
        try {
            return QcThresholds.class.getDeclaredConstructor(types).newInstance(values);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException) {
                throw new LofiException(where, "has an invalid threshold: " + cause.getMessage(), "fix the value");
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LofiException badValue(java.nio.file.Path where, String field, JsonNode v, String expected) {
        return new LofiException(where, "field \"" + field + "\" is " + v + ", not " + expected, "fix the value");
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be a positive number");
    }

    private static void fraction(String name, double v) {
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(name + " must be between 0 and 1");
    }

    private static void ordered(String lowName, double low, String highName, double high) {
        if (!(low >= 0 && low <= high && !Double.isInfinite(high))) {
            throw new IllegalArgumentException("need 0 <= " + lowName + " <= " + highName);
        }
    }
}
