//! Where tensors live: the device a user asks for (`--device`), and opening it.

use candle_core::Device;

/// Where tensors live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    #[default]
    Cpu,
    Cuda,
}

impl std::str::FromStr for DeviceChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cpu" => Ok(DeviceChoice::Cpu),
            "cuda" | "gpu" => Ok(DeviceChoice::Cuda),
            other => Err(format!("unknown device `{other}`: use cpu or cuda")),
        }
    }
}

impl std::fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DeviceChoice::Cpu => "cpu",
            DeviceChoice::Cuda => "cuda",
        })
    }
}

/// Whether this binary was built with the `cuda` feature.
pub const CUDA_BUILT: bool = cfg!(feature = "cuda");

/// Why a device could not be opened, and what to do (`Display` gives the message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    /// CUDA was asked for, but this binary was built without the `cuda` feature.
    #[error(
        "CUDA was asked for, but this mltutor was built without the `cuda` feature. \
         Rebuild with `cargo build --release --features cuda` (see the README), or use --device cpu."
    )]
    CudaNotBuilt,
    /// CUDA was asked for, but candle found no usable GPU (its message).
    #[error(
        "CUDA was asked for, but no usable GPU was found ({0}). Check the NVIDIA driver \
         (nvidia-smi), or use --device cpu."
    )]
    NoGpu(String),
}

/// Open a device, or say clearly why not and what to do.
pub fn open_device(choice: DeviceChoice) -> Result<Device, DeviceError> {
    match choice {
        DeviceChoice::Cpu => Ok(Device::Cpu),
        DeviceChoice::Cuda if !CUDA_BUILT => Err(DeviceError::CudaNotBuilt),
        DeviceChoice::Cuda => Device::new_cuda(0).map_err(|e| DeviceError::NoGpu(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuda_without_the_feature_says_how_to_rebuild() {
        if CUDA_BUILT {
            return;
        }
        assert_eq!(
            open_device(DeviceChoice::Cuda).unwrap_err(),
            DeviceError::CudaNotBuilt
        );
        assert_eq!(
            open_device(DeviceChoice::Cuda).unwrap_err().to_string(),
            "CUDA was asked for, but this mltutor was built without the `cuda` feature. Rebuild \
             with `cargo build --release --features cuda` (see the README), or use --device cpu."
        );
        assert!(open_device(DeviceChoice::Cpu).unwrap().is_cpu());
    }

    #[test]
    fn device_names_parse_and_print() {
        assert_eq!(" GPU ".parse::<DeviceChoice>(), Ok(DeviceChoice::Cuda));
        assert_eq!("cpu".parse::<DeviceChoice>(), Ok(DeviceChoice::Cpu));
        assert_eq!(DeviceChoice::Cuda.to_string(), "cuda");
        assert!("tpu".parse::<DeviceChoice>().unwrap_err().contains("`tpu`"));
    }
}
