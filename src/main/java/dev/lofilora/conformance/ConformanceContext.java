package dev.lofilora.conformance;

import dev.lofilora.common.ProgressListener;
import org.bytedeco.pytorch.Device;

import java.util.Map;
import java.util.Set;

/**
 * What the runner gives a suite for one golden folder.
 *
 * @param device       where to compute (the runner compares on the CPU)
 * @param expectedKeys the expected output keys of the folder per group (file name without {@code .safetensors}),
 *                     {@code *_f64} twins included — a suite may use it to compute only what is asked for
 * @param progress     progress of the computation (may be {@link ProgressListener#NONE})
 */
public record ConformanceContext(Device device, Map<String, Set<String>> expectedKeys, ProgressListener progress) {
    public ConformanceContext {
        expectedKeys = Map.copyOf(expectedKeys);
        progress = progress == null ? ProgressListener.NONE : progress;
    }

    /** Whether the folder expects {@code key} in {@code group}. */
    public boolean expects(String group, String key) {
        Set<String> keys = expectedKeys.get(group);
        return keys != null && keys.contains(key);
    }
}
