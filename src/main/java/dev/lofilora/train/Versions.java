package dev.lofilora.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.Json;
import org.bytedeco.javacpp.Loader;

/** Library versions recorded in a run's {@code run.json}. */
final class Versions {
    private Versions() {}

    static ObjectNode json() {
        ObjectNode v = Json.MAPPER.createObjectNode();
        v.put("lofi-lora", "0.1.0");
        v.put("java", System.getProperty("java.version"));
        v.put("javacpp", version("org.bytedeco", "javacpp"));
        v.put("pytorch-presets", version("org.bytedeco", "pytorch"));
        v.put("libtorch_threads", org.bytedeco.pytorch.global.torch.get_num_threads());
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return v;
    }

    private static String version(String group, String artifact) {
        try {
            String s = Loader.getVersion(group, artifact);
            return s == null ? "unknown" : s;
        } catch (Exception e) {
            return "unknown";
        }
    }
}
