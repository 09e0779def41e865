Network random_unseen {
Layer rdw000 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 153, R: 5, S: 5, Y: 69, X: 69 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw001 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 138, R: 5, S: 5, Y: 9, X: 9 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw002 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 19, R: 3, S: 3, Y: 108, X: 108 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw003 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 742, R: 3, S: 3, Y: 10, X: 10 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw004 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 11, R: 7, S: 7, Y: 9, X: 9 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw005 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 28, R: 3, S: 3, Y: 39, X: 39 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw006 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 753, R: 7, S: 7, Y: 17, X: 17 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw007 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 9, R: 3, S: 3, Y: 24, X: 24 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw008 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 36, R: 5, S: 5, Y: 47, X: 47 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw009 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 200, R: 7, S: 7, Y: 30, X: 30 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw010 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 230, R: 3, S: 3, Y: 91, X: 91 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw011 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 10, R: 7, S: 7, Y: 63, X: 63 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw012 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 24, R: 3, S: 3, Y: 10, X: 10 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw013 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 9, R: 5, S: 5, Y: 22, X: 22 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw014 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 18, R: 3, S: 3, Y: 29, X: 29 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw015 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 84, R: 3, S: 3, Y: 9, X: 9 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw016 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 17, R: 3, S: 3, Y: 19, X: 19 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw017 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 697, R: 5, S: 5, Y: 16, X: 16 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw018 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 107, R: 5, S: 5, Y: 11, X: 11 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw019 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 77, R: 7, S: 7, Y: 51, X: 51 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw020 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 50, R: 5, S: 5, Y: 85, X: 85 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw021 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 15, R: 7, S: 7, Y: 54, X: 54 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw022 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 27, R: 7, S: 7, Y: 49, X: 49 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw023 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 95, R: 5, S: 5, Y: 32, X: 32 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
Layer rdw024 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 49, R: 3, S: 3, Y: 11, X: 11 }
Dataflow {
			SpatialMap(1,1) C;
			TemporalMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			TemporalMap(Sz(R),Sz(R)) R;
			TemporalMap(Sz(S),Sz(S)) S;
		}
}
}
