/**
 * The map of the fleet and trip screens: Amazon Location's base map through
 * MapLibre when the stack has one and the user is signed in, loaded lazily
 * (MapLibre is most of the app's weight); markers and lines on a plain
 * background otherwise, while MapLibre loads, and if the base map fails (no
 * network, no credentials). Either way every marker is a labelled button.
 */
import { Component, createContext, lazy, ReactNode, Suspense, useContext, useState } from "react";
import type { RuntimeConfig } from "../config";
import { MapMarker, PlainMap } from "./PlainMap";

export interface BaseMapSettings extends NonNullable<RuntimeConfig["map"]> {
  /** The signed-in user's current ID token, which the identity pool exchanges for tile credentials. */
  idToken: () => string;
}

/** The base map for this stack and session; undefined draws every map on a plain background. */
export const BaseMapContext = createContext<BaseMapSettings | undefined>(undefined);

export interface TrackMapProps {
  markers: MapMarker[];
  line?: [number, number][];
  selected?: string;
  onSelect?: (id: string) => void;
}

const LiveMap = lazy(() => import("./LiveMap"));

export function TrackMap(props: TrackMapProps) {
  const settings = useContext(BaseMapContext);
  const [failure, setFailure] = useState<string>();
  if (!settings || failure)
    return (
      <>
        <PlainMap {...props} />
        {failure ? (
          <p className="muted" role="status">
            The base map is unavailable ({failure}); positions are drawn on a plain background.
          </p>
        ) : null}
      </>
    );
  return (
    <FallBack onError={setFailure}>
      <Suspense fallback={<PlainMap {...props} />}>
        <LiveMap {...props} settings={settings} onFailure={setFailure} />
      </Suspense>
    </FallBack>
  );
}

/** A failed lazy load (the chunk could not be fetched) falls back to the plain map instead of blanking the screen. */
class FallBack extends Component<{ onError: (message: string) => void; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  componentDidCatch(error: Error) {
    this.props.onError(error.message);
  }
  render() {
    return this.state.failed ? null : this.props.children;
  }
}
