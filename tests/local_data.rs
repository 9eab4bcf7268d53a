//! Real data sets from local files: MNIST-format IDX, and a folder of PNGs per class.

use mltutor::core::spec::parse_model;
use mltutor::engine::data::load_local;
use mltutor::engine::train::{run, TrainConfig};
use std::sync::atomic::AtomicBool;

/// 8x8 grey images: class 0 bright on the left half, class 1 on the right half.
fn image(class: usize, jitter: u8) -> Vec<u8> {
    (0..64)
        .map(|i| {
            let left = i % 8 < 4;
            if left == (class == 0) {
                200 + jitter
            } else {
                jitter
            }
        })
        .collect()
}

fn write_idx(dir: &std::path::Path, n: usize) {
    let mut images = vec![0, 0, 8, 3];
    images.extend((n as u32).to_be_bytes());
    images.extend(8u32.to_be_bytes());
    images.extend(8u32.to_be_bytes());
    let mut labels = vec![0, 0, 8, 1];
    labels.extend((n as u32).to_be_bytes());
    for i in 0..n {
        images.extend(image(i % 2, (i % 7) as u8 * 5));
        labels.push((i % 2) as u8);
    }
    std::fs::write(dir.join("train-images-idx3-ubyte"), images).unwrap();
    std::fs::write(dir.join("train-labels-idx1-ubyte"), labels).unwrap();
}

const TINY: &str = r#"(id: "tiny", input: [1, 8, 8], layers: [(layer: Flatten), (name: "fc", layer: Linear(in: 64, out: 2))])"#;

#[test]
fn idx_files_load_and_train() {
    let dir = tempfile::tempdir().unwrap();
    write_idx(dir.path(), 60);
    let d = load_local(dir.path(), &[1, 8, 8]).unwrap();
    assert_eq!((d.len(), d.classes, d.sample_len()), (60, 2, 64));
    assert_eq!(d.class_counts(), vec![30, 30]);
    // The pixel at (0, 0) of a class-0 image is bright: 200/255 − 0.25.
    assert!((d.x[0] - (200.0 / 255.0 - 0.25)).abs() < 1e-6);
    let cfg = TrainConfig {
        epochs: 5,
        batch: 8,
        lr: 0.1,
        data_dir: Some(dir.path().to_path_buf()),
        ..TrainConfig::new(parse_model(TINY).unwrap())
    };
    let s = run(&cfg, &AtomicBool::new(false), &mut |_| {}).unwrap();
    assert!(s.final_accuracy > 0.9, "{s:?}");
}

#[test]
fn png_folders_load() {
    let dir = tempfile::tempdir().unwrap();
    for class in 0..2 {
        let sub = dir.path().join(format!("class{class}"));
        std::fs::create_dir(&sub).unwrap();
        for i in 0..3 {
            let f = std::fs::File::create(sub.join(format!("{i}.png"))).unwrap();
            let mut enc = png::Encoder::new(std::io::BufWriter::new(f), 8, 8);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            enc.write_header()
                .unwrap()
                .write_image_data(&image(class, i))
                .unwrap();
        }
    }
    let d = load_local(dir.path(), &[1, 8, 8]).unwrap();
    assert_eq!((d.len(), d.classes), (6, 2));
    assert_eq!(d.y, vec![0, 0, 0, 1, 1, 1]);
}

#[test]
fn mismatched_or_broken_data_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    write_idx(dir.path(), 4);
    let e = load_local(dir.path(), &[3, 40, 40])
        .unwrap_err()
        .to_string();
    assert!(e.contains("1x8x8") && e.contains("3x40x40"), "{e}");
    std::fs::write(dir.path().join("train-images-idx3-ubyte"), b"garbage").unwrap();
    assert!(load_local(dir.path(), &[1, 8, 8]).is_err());
    let empty = tempfile::tempdir().unwrap();
    assert!(load_local(empty.path(), &[1, 8, 8])
        .unwrap_err()
        .to_string()
        .contains("neither"));
}
