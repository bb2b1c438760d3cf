package dev.lofilora.tensor;

import dev.lofilora.common.LofiException;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevicesAndNumericsFlagsTest {

    @Test
    void parsesCpuAndRejectsUnknownDevices() {
        assertEquals("cpu", Devices.describe(Devices.parse("cpu")));
        assertEquals("cpu", Devices.describe(Devices.parse(" CPU ")));
        LofiException e = assertThrows(LofiException.class, () -> Devices.parse("gpu0"));
        assertTrue(e.getMessage().contains("unknown device \"gpu0\""), e.getMessage());
    }

    @Test
    void cudaFailsLoudlyWhenTheNativesDidNotLoad() {
        if (torch.cuda_is_available()) {
            assertTrue(Devices.parse("cuda").is_cuda());
            return;
        }
        LofiException e = assertThrows(LofiException.class, () -> Devices.parse("cuda:1"));
        assertTrue(e.getMessage().contains("CUDA is not available") && e.fix().contains("--device cpu"), e.getMessage());
    }

    @Test
    void strictFp32TurnsTf32OffAndRestoresThePreviousSettings() {
        NumericsFlags.setTf32(true);
        torch.globalContext().setFloat32MatmulPrecision("medium");
        assertTrue(NumericsFlags.tf32CuBlasAllowed());
        try (NumericsFlags strict = NumericsFlags.strictFp32()) {
            assertFalse(NumericsFlags.tf32CuBlasAllowed());
            assertFalse(NumericsFlags.tf32CuDnnAllowed());
            assertEquals("highest", NumericsFlags.matmulPrecision());
        }
        assertEquals("medium", NumericsFlags.matmulPrecision());
        assertTrue(NumericsFlags.tf32CuBlasAllowed());
        assertTrue(NumericsFlags.tf32CuDnnAllowed());
        NumericsFlags.disableTf32();
        assertFalse(NumericsFlags.tf32CuBlasAllowed());
        assertFalse(NumericsFlags.tf32CuDnnAllowed());
        assertEquals("highest", NumericsFlags.matmulPrecision());
    }
}
