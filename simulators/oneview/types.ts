/** A OneView alert resource (AlertResourceV3), loosely typed: tests may inject any shape. */
export interface OneViewAlert {
  type: string;
  uri: string;
  category: string;
  description: string;
  correctiveAction: string | null;
  severity: string;
  alertState: string;
  urgency: string;
  healthCategory: string;
  alertTypeID: string;
  physicalResourceType: string;
  resourceUri: string;
  resourceID: string | null;
  associatedResource: { resourceName: string; resourceUri: string; resourceCategory: string; associationType: string };
  lifeCycle: boolean;
  associatedEventUris: string[];
  assignedToUser: string | null;
  clearedByUser: string | null;
  clearedTime: string | null;
  changeLog: { userEntered: boolean; uri: string | null; notes: string; username: string; created: string | null }[];
  activityUri: string | null;
  parentAlert: string | null;
  childAlerts: string[] | null;
  serviceEventSource: boolean;
  serviceEventDetails: unknown;
  created: string;
  modified: string;
  eTag: string;
  [extra: string]: unknown;
}

/** A fault the simulator injects into the next matching /rest requests. */
export interface OneViewFault {
  /** Answer this status instead of the real response (with an error body, or an HTML page if `html`). */
  status?: number;
  html?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Drop the connection without answering. */
  dropConnection?: boolean;
  /** How many requests the fault applies to (default 1). */
  count?: number;
  /** Only requests whose path starts with this. */
  pathPrefix?: string;
}
