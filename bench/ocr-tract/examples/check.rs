//! Loads both models natively and times one run of each on inputs of a card's sizes:
//! `cargo run --release --example check -- DET.onnx REC.onnx`.
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let started = Instant::now();
    let mut det = ocr_tract::Model::load(&std::fs::read(&args[1]).unwrap(), None).unwrap();
    let mut rec = ocr_tract::Model::load(&std::fs::read(&args[2]).unwrap(), Some(48)).unwrap();
    println!("loaded in {:?}; one plan for any size: det {}, rec {}", started.elapsed(), det.any_size(), rec.any_size());
    for (h, w) in [(608u32, 960u32), (608, 960), (960, 608), (544, 960)] {
        let data = vec![0.1f32; (3 * h * w) as usize];
        let t = Instant::now();
        let out = det.infer(&data, &[1, 3, h, w]).unwrap();
        println!("det {h}x{w}: {:?} -> {:?} ({} values)", t.elapsed(), det.dims(), out.len());
    }
    for w in [160u32, 160, 320, 320, 640, 640] {
        let data = vec![0.1f32; (3 * 48 * w) as usize];
        let t = Instant::now();
        let out = rec.infer(&data, &[1, 3, 48, w]).unwrap();
        println!("rec w={w}: {:?} -> {:?} ({} values)", t.elapsed(), rec.dims(), out.len());
    }
}
