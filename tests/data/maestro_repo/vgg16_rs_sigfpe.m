// cut from maestro-project/maestro (commit 4eb08d1) data/mapping/vgg16_rs.m

Network vgg16_rs {
Layer CONV1 {
		Type: CONV
		Dimensions { K: 64, C:3, R: 3, S: 3, Y: 224, X: 224 }
		Dataflow {
			TemporalMap(2,2) K;
			TemporalMap(3,3) C;
			TemporalMap(3,3) R;
			SpatialMap(3,1) Y;
			TemporalMap(3,1) X;
			Cluster(3,P);
			SpatialMap(1,1) X;
			SpatialMap(1,1) R;
			TemporalMap(3,3) S;
		}
	}
}
