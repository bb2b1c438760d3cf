package dev.lofilora.tensor;

import dev.lofilora.common.LofiException;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Device selection from a user string: {@code cpu}, {@code cuda} (device 0) or {@code cuda:N}. Asking for CUDA when
 * the CUDA natives did not load fails loudly — the JavaCPP presets otherwise fall back to the CPU silently
 * (javacpp_stack.md §1).
 */
public final class Devices {
    private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d{1,3}))?");

    private Devices() {}

    /** The CPU device. */
    public static Device cpu() {
        return new Device(DeviceType.CPU);
    }

    /**
     * Parses and checks a device string. Throws {@link LofiException} for an unknown string, for CUDA when
     * {@code torch.cuda_is_available()} is false, and for a CUDA index beyond the visible devices.
     */
    public static Device parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase();
        if (s.equals("cpu")) return cpu();
        Matcher m = CUDA.matcher(s);
        if (!m.matches()) {
            throw new LofiException("unknown device \"" + spec + "\"", "use cpu, cuda or cuda:N");
        }
        int index = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        if (!torch.cuda_is_available()) {
            throw new LofiException("device \"" + spec + "\" was asked for but CUDA is not available to libtorch "
                    + "(the CUDA natives did not load, or there is no GPU)",
                    "build with -Djavacpp.platform.extension=-gpu and the org.bytedeco cuda redist artifacts (CUDA 13.1, "
                            + "cuDNN 9.19, driver R580+), check with -Dorg.bytedeco.javacpp.logger.debug=true, or use "
                            + "--device cpu");
        }
        int count = torch.cuda_device_count();
        if (index >= count) {
            throw new LofiException("device \"" + spec + "\" does not exist: libtorch sees " + count
                    + " CUDA device(s)", "use cuda:0 … cuda:" + (count - 1));
        }
        return new Device(DeviceType.CUDA, (byte) index);
    }

    /** "cpu" or "cuda:N". */
    public static String describe(Device device) {
        return device.is_cuda() ? "cuda:" + Math.max(0, device.index()) : "cpu";
    }
}
